// Reading the audit log back: every filter alone and together, paging by
// seq, the JSON shape, and CSV that a spreadsheet opens without running a
// formula an attacker put into a field.
#include "core/audit/AuditLog.h"
#include "core/audit/AuditRows.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

using namespace medbox;

namespace {

struct Log {
    testutil::TempDir dir;
    ManualClock clock;
    db::Database db{[this] {
                        db::Options o;
                        o.path = dir.file("svc.db");
                        return o;
                    }(),
                    {}};
    AuditLog audit{clock, ""};

    void add(const std::string& actor, const std::string& action, const std::string& target, const std::string& outcome,
             const std::string& detail = "{}") {
        db.write([&](db::Tx& tx) { audit.append(tx, AuditEntry{actor, action, target, outcome, detail}); });
        clock.advanceMs(60'000);
    }
    std::vector<int64_t> seqs(const AuditFilter& f) {
        std::vector<int64_t> out;
        for (const auto& r : db.read([&](db::Connection& c) { return auditRows(c, f); })) out.push_back(r.seq);
        return out;
    }
};

}  // namespace

TEST(AuditRowsTest, FiltersByActorActionTargetOutcomeAndTime) {
    Log log;
    const int64_t t0 = log.clock.nowMs();
    log.add("staff:alice", "user.create", "user:bob", "ok");                  // 1
    log.add("staff:alice", "user.update", "user:bob", "denied");              // 2
    log.add("staff:carol", "unit.restart", "unit:medbox-booking", "failed");  // 3
    log.add("staff:alice", "users.export", "user:*", "ok");                   // 4: not "user." by prefix
    log.add("service:portal", "booking.create", "appointment:9", "ok");       // 5

    AuditFilter f;
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{1, 2, 3, 4, 5}));
    f.actor = "staff:alice";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{1, 2, 4}));
    f.actionPrefix = "user.";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{1, 2}));
    f.outcome = "denied";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{2}));
    f = {};
    f.target = "user:bob";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{1, 2}));
    f = {};
    f.sinceMs = t0 + 60'000;
    f.untilMs = t0 + 180'000;
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{2, 3}));
    f = {};
    f.afterSeq = 2;
    f.limit = 2;
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{3, 4}));
    // Wildcards mean themselves in the action prefix.
    f = {};
    f.actionPrefix = "user%";
    EXPECT_TRUE(log.seqs(f).empty());
    // Text: a part of the actor, the target or the detail; wildcards are plain text.
    f = {};
    f.text = "bob";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{1, 2}));
    f.text = "carol";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{3}));
    f.text = "%";
    EXPECT_TRUE(log.seqs(f).empty());
    log.add("staff:dave", "unit.stop", "unit:medbox-his", "ok", R"({"reason":"night window"})");  // 6
    f.text = "night win";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{6}));
    // Newest first, paged back with beforeSeq; the other filters still apply.
    f = {};
    f.newestFirst = true;
    f.limit = 2;
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{6, 5}));
    f.beforeSeq = 5;
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{4, 3}));
    f.beforeSeq = 2;
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{1}));
    f.beforeSeq = 0;
    f.limit = 100;
    f.actor = "staff:alice";
    EXPECT_EQ(log.seqs(f), (std::vector<int64_t>{4, 2, 1}));
}

TEST(AuditRowsTest, JsonShowsTheDetailAsAnObjectAndCsvDisarmsFormulas) {
    Log log;
    log.add("staff:alice", "user.create", "=HYPERLINK(\"http://evil\")", "ok", R"({"id":7,"note":"a,b"})");
    log.add("staff:alice", "-2+3", "@SUM(A1)", "ok", "not json");
    const auto rows = log.db.read([](db::Connection& c) { return auditRowsAfter(c, 0, 10); });
    ASSERT_EQ(rows.size(), 2u);
    auto json = auditRowJson(rows[0]);
    EXPECT_EQ(json->getObject("detail")->getValue<int>("id"), 7);
    EXPECT_EQ(auditRowJson(rows[1])->getValue<std::string>("detail"), "not json");
    EXPECT_EQ(json->getValue<std::string>("hash"), rows[0].hash);

    const std::string csv = auditCsv(rows);
    EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "seq,at,actor,action,target,outcome,detail,hash");
    EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://evil\"\")\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",\"{\"\"id\"\":7,\"\"note\"\":\"\"a,b\"\"}\","), std::string::npos) << csv;
    EXPECT_NE(csv.find(",'-2+3,'@SUM(A1),ok,not json,"), std::string::npos) << csv;
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
}
