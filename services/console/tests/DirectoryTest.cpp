// The staff directory: search across every field (LIKE wildcards meaning
// themselves), department filter, paging, disabled accounts left out, field
// rules, and the audit row of each change.
#include "ConsoleTestEnv.h"
#include "domain/Directory.h"
#include "core/audit/AuditRows.h"
#include "store/UserStore.h"

using namespace medbox;
using namespace medbox::console;

namespace {

class DirectoryTest : public ::testing::Test {
protected:
    void SetUp() override { dir_ = std::make_unique<Directory>(*t_.env); }

    int64_t user(const std::string& username, const std::string& name, bool enabled = true) {
        UserRecord u;
        u.username = username;
        u.displayName = name;
        u.passwordHash = "x";
        u.roles = {"nurse"};
        u.enabled = enabled;
        int64_t id = 0;
        t_.db->write([&](db::Tx& tx) { id = store::insertUser(tx.conn(), u); });
        return id;
    }

    std::vector<std::string> names(const Directory::Page& p) {
        std::vector<std::string> out;
        for (const auto& e : p.entries) out.push_back(e.displayName);
        return out;
    }

    Err errOf(auto&& f) { return testenv::errOf(f, &field_); }

    testenv::ConsoleTestEnv t_;
    std::unique_ptr<Directory> dir_;
    std::string field_;
};

}  // namespace

TEST_F(DirectoryTest, FindsByAnyFieldOrdersByDepartmentAndLeavesDisabledAccountsOut) {
    const auto wang = user("wang", "王伟");
    const auto li = user("li", "李娜");
    const auto zhao = user("zhao", "赵敏");
    const auto gone = user("gone", "离职者", false);
    user("new", "新同事");  // no entry yet: listed last with empty fields
    dir_->update("staff:admin", wang, {"信息科", "网络工程师", "交换机 VPN printers", "8021"});
    dir_->update("staff:admin", li, {"心血管内科", "主治医师", "PCI", "6310"});
    dir_->update("staff:admin", zhao, {"信息科", "HIS 实施", "HIS 接口, PACS", "8022"});
    dir_->update("staff:admin", gone, {"信息科", "", "", "8099"});

    // By department, then name, in code point order (no pinyin collation in
    // SQLite without ICU); entries without a department last.
    EXPECT_EQ(names(dir_->search("", "", 0, 50)), (std::vector<std::string>{"王伟", "赵敏", "李娜", "新同事"}));
    EXPECT_EQ(names(dir_->search("信息", "", 0, 50)), (std::vector<std::string>{"王伟", "赵敏"}));
    EXPECT_EQ(names(dir_->search("vpn", "", 0, 50)), (std::vector<std::string>{"王伟"}));  // any case
    EXPECT_EQ(names(dir_->search("802", "", 0, 50)), (std::vector<std::string>{"王伟", "赵敏"}));
    EXPECT_EQ(names(dir_->search("li", "", 0, 50)), (std::vector<std::string>{"李娜"}));  // user name
    EXPECT_EQ(names(dir_->search(" pacs ", "", 0, 50)), (std::vector<std::string>{"赵敏"}));
    EXPECT_EQ(names(dir_->search("", "信息科", 0, 50)), (std::vector<std::string>{"王伟", "赵敏"}));
    EXPECT_TRUE(dir_->search("8099", "", 0, 50).entries.empty());  // disabled
    // LIKE's wildcards are plain characters in a query.
    EXPECT_TRUE(dir_->search("%", "", 0, 50).entries.empty());
    EXPECT_TRUE(dir_->search("_", "", 0, 50).entries.empty());
    EXPECT_EQ(dir_->departments(), (std::vector<std::string>{"信息科", "心血管内科"}));

    auto first = dir_->search("", "", 0, 2);
    EXPECT_EQ(names(first), (std::vector<std::string>{"王伟", "赵敏"}));
    EXPECT_TRUE(first.more);
    auto last = dir_->search("", "", 2, 2);
    EXPECT_EQ(names(last), (std::vector<std::string>{"李娜", "新同事"}));
    EXPECT_FALSE(last.more);
}

TEST_F(DirectoryTest, ChecksFieldsTrimsSpacesAndAuditsWhichFieldsChanged) {
    const auto id = user("wang", "王伟");
    EXPECT_EQ(errOf([&] { dir_->update("staff:admin", id, {"", "", "", "ext 12"}); }), Err::InvalidField);
    EXPECT_EQ(field_, "extension");
    EXPECT_EQ(errOf([&] { dir_->update("staff:admin", id, {std::string(65, 'a'), "", "", ""}); }), Err::InvalidField);
    EXPECT_EQ(field_, "department");
    EXPECT_EQ(errOf([&] { dir_->update("staff:admin", id, {"", "a\nb", "", ""}); }), Err::InvalidField);
    EXPECT_EQ(field_, "title");
    EXPECT_EQ(errOf([&] { dir_->update("staff:admin", id, {"", "", std::string(501, 'x'), ""}); }), Err::InvalidField);
    EXPECT_EQ(field_, "skills");
    EXPECT_EQ(errOf([&] { dir_->update("staff:admin", 999, {}); }), Err::NotFound);
    EXPECT_EQ(errOf([&] { dir_->search(std::string(65, 'q'), "", 0, 10); }), Err::InvalidField);
    EXPECT_EQ(field_, "q");
    // 64 Chinese characters are 192 bytes and still fit.
    std::string longName;
    for (int i = 0; i < 64; ++i) longName += "科";
    EXPECT_EQ(dir_->update("staff:admin", id, {longName, "", "", ""}).fields.department, longName);

    const auto e = dir_->update("staff:admin", id, {"  信息科 ", "工程师", "", "8021 "});
    EXPECT_EQ(e.fields.department, "信息科");
    EXPECT_EQ(e.fields.extension, "8021");
    EXPECT_EQ(dir_->get(id).fields.title, "工程师");

    const auto rows = t_.db->read([](db::Connection& c) { return auditRowsAfter(c, 0, 100); });
    ASSERT_FALSE(rows.empty());
    const auto& last = rows.back();
    EXPECT_EQ(last.action, "user.directory");
    EXPECT_EQ(last.actor, "staff:admin");
    EXPECT_EQ(last.target, "user:wang");
    EXPECT_EQ(last.detail, R"({"changed":["department","title","extension"],"id":1})");
}
