// The notes resource on a temporary database with a manual clock: the domain
// rules, the store, the audit row, the configuration keys and the outbox
// wake-up of the service's narrow context.
#include "hisbridge/EmbeddedFiles.h"
#include "domain/HisbridgeConfig.h"
#include "domain/HisbridgeEnv.h"
#include "domain/Notes.h"
#include "core/error/AppError.h"
#include "core/testing/TempDir.h"
#include <gtest/gtest.h>
#include <memory>

using namespace medbox;
using namespace medbox::hisbridge;

namespace {

int64_t countRows(db::Database& db, const std::string& sql) {
    return db.read([&](db::Connection& c) {
        auto st = c.prepare(sql);
        st.step();
        return st.i64(0);
    });
}

class HisbridgeNotesTest : public ::testing::Test {
protected:
    void SetUp() override {
        db::Options o;
        o.path = dir.file("hisbridge.db");
        o.synchronous = "NORMAL";
        db = std::make_unique<db::Database>(o, db::migrationsFrom(embeddedFiles()));
        audit = std::make_unique<AuditLog>(clock, "");
        makeEnv({});
    }
    void makeEnv(HisbridgeConfig config) {
        env = std::make_unique<HisbridgeEnv>(*db, clock, *audit, config,
                                          [this](const std::string& destination) { woken.push_back(destination); });
        notes = std::make_unique<Notes>(*env);
    }

    testutil::TempDir dir;
    ManualClock clock;
    std::unique_ptr<db::Database> db;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<HisbridgeEnv> env;
    std::unique_ptr<Notes> notes;
    std::vector<std::string> woken;
};

}  // namespace

TEST_F(HisbridgeNotesTest, AddTrimsStoresAndAudits) {
    const auto n = notes->add("staff:wang", "  ward 3 printer is out of toner \n");
    EXPECT_GT(n.id, 0);
    EXPECT_EQ(n.text, "ward 3 printer is out of toner");
    EXPECT_EQ(n.createdMs, clock.nowMs());
    const auto got = notes->get(n.id);
    EXPECT_EQ(got.text, n.text);
    EXPECT_EQ(got.author, "staff:wang");
    EXPECT_EQ(countRows(*db, "SELECT COUNT(*) FROM audit_log WHERE action = 'note.create' AND target = 'note:" +
                                 std::to_string(n.id) + "' AND actor = 'staff:wang'"),
              1);
}

TEST_F(HisbridgeNotesTest, ListIsNewestFirstAndLimited) {
    for (int i = 1; i <= 3; ++i) {
        notes->add("staff:wang", "note " + std::to_string(i));
        clock.advanceMs(1000);
    }
    const auto two = notes->list(2);
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].text, "note 3");
    EXPECT_EQ(two[1].text, "note 2");
    EXPECT_EQ(notes->list(50).size(), 3u);
}

TEST_F(HisbridgeNotesTest, EmptyOrTooLongTextIsRefusedAndNothingIsWritten) {
    makeEnv(HisbridgeConfig{.noteMaxChars = 3});
    try {
        notes->add("staff:wang", " \t ");
        FAIL() << "an empty note was accepted";
    } catch (const AppError& e) {
        EXPECT_EQ(e.field(), "text");
    }
    EXPECT_THROW(notes->add("staff:wang", "abcd"), AppError);
    EXPECT_NO_THROW(notes->add("staff:wang", "张三丰"));  // 3 characters, 9 bytes
    EXPECT_EQ(countRows(*db, "SELECT COUNT(*) FROM note"), 1);
    EXPECT_EQ(countRows(*db, "SELECT COUNT(*) FROM audit_log WHERE action = 'note.create'"), 1);
}

TEST_F(HisbridgeNotesTest, UnknownNoteIsNotFound) {
    try {
        notes->get(42);
        FAIL() << "no error for a missing note";
    } catch (const AppError& e) {
        EXPECT_EQ(e.err(), Err::NotFound);
    }
}

TEST_F(HisbridgeNotesTest, SendInQueuesAndWakesOnlyAfterCommit) {
    db->write([&](db::Tx& tx) {
        env->effects.sendIn(tx, "console", "hisbridge.example", R"({"n":1})");
        EXPECT_TRUE(woken.empty());
    });
    EXPECT_EQ(woken, std::vector<std::string>{"console"});
    EXPECT_EQ(countRows(*db, "SELECT COUNT(*) FROM outbox WHERE destination = 'console'"), 1);
}

TEST(HisbridgeConfigTest, DefaultsAndRange) {
    Settings defaults;
    EXPECT_EQ(readHisbridgeConfig(defaults).noteMaxChars, 500);
    Settings set;
    set.set("hisbridge.note_max_chars", "20");
    EXPECT_EQ(readHisbridgeConfig(set).noteMaxChars, 20);
    Settings bad;
    bad.set("hisbridge.note_max_chars", "0");
    try {
        readHisbridgeConfig(bad);
        FAIL() << "0 was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(e.displayText().find("hisbridge.note_max_chars"), std::string::npos) << e.displayText();
    }
}
