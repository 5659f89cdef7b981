#include "core/audit/AuditLog.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

using namespace medbox;

namespace {

db::Options optionsFor(const std::string& path) {
    db::Options o;
    o.path = path;
    return o;
}

struct Fixture {
    testutil::TempDir dir;
    ManualClock clock;
    db::Database db{optionsFor(dir.file("svc.db")), {}};
    std::string anchor = dir.file("svc.db.audit-head");
    AuditLog audit{clock, anchor};

    void append(int n) {
        for (int i = 0; i < n; ++i) {
            db.write([&](db::Tx& tx) {
                audit.append(tx, AuditEntry{"staff:zhangsan", "booking.create", "appointment:" + std::to_string(i),
                                            "ok", R"({"slot":)" + std::to_string(i) + "}"});
            });
            clock.advanceMs(1000);
        }
    }
    void sql(const std::string& s) {
        db.write([&](db::Tx& tx) { tx.exec(s); });
    }
    std::string anchorText() const {
        audit.flushAnchor();
        std::ifstream in(anchor);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

}  // namespace

TEST(AuditLogTest, IntactChainVerifies) {
    Fixture f;
    f.append(5);
    auto r = f.audit.verify(f.db);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.rows, 5);
    auto head = f.db.read([](db::Connection& c) {
        auto st = c.prepare("SELECT seq, hash, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        st.step();
        return std::to_string(st.i64(0)) + " " + st.str(1) + "\n";
    });
    EXPECT_EQ(f.anchorText(), head);
    auto first = f.db.read([](db::Connection& c) {
        auto st = c.prepare("SELECT prev_hash FROM audit_log WHERE seq = 1");
        st.step();
        return st.str(0);
    });
    EXPECT_EQ(first, std::string(64, '0'));
}

TEST(AuditLogTest, EmptyLogVerifies) {
    Fixture f;
    auto r = f.audit.verify(f.db);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.rows, 0);
}

TEST(AuditLogTest, EditedDetailIsFoundAtItsSeq) {
    Fixture f;
    f.append(5);
    f.sql("UPDATE audit_log SET detail = '{\"slot\":99}' WHERE seq = 3");
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.firstBadSeq, 3);
    EXPECT_NE(r.reason.find("row 3"), std::string::npos) << r.reason;
}

TEST(AuditLogTest, EditedAndRehashedRowBreaksTheLinkToTheNext) {
    Fixture f;
    f.append(4);
    // An attacker who rewrites a row's hash still cannot fix the next row's prev_hash
    // without rewriting everything up to the anchor.
    f.sql("UPDATE audit_log SET actor = 'staff:other', hash = '" + std::string(64, 'a') + "' WHERE seq = 2");
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.firstBadSeq, 2);
}

TEST(AuditLogTest, DeletedMiddleRowIsFound) {
    Fixture f;
    f.append(5);
    f.sql("DELETE FROM audit_log WHERE seq = 3");
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.firstBadSeq, 3);
    EXPECT_NE(r.reason.find("missing"), std::string::npos) << r.reason;
}

TEST(AuditLogTest, DeletedFirstRowIsFound) {
    Fixture f;
    f.append(3);
    f.sql("DELETE FROM audit_log WHERE seq = 1");
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.firstBadSeq, 1);
}

TEST(AuditLogTest, DeletedLastRowsAreFoundThroughTheAnchor) {
    Fixture f;
    f.append(5);
    f.sql("DELETE FROM audit_log WHERE seq >= 4");
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.firstBadSeq, 4);
    EXPECT_NE(r.reason.find("deleted at the end"), std::string::npos) << r.reason;
    // Without the anchor the chain alone cannot tell.
    AuditLog chainOnly(f.clock, "");
    EXPECT_TRUE(chainOnly.verify(f.db).ok);
}

TEST(AuditLogTest, RewrittenChainIsFoundThroughTheAnchor) {
    Fixture f;
    f.append(3);
    std::string saved = f.anchorText();
    // Rebuild the whole log from scratch with different content: a valid chain, not the anchored one.
    f.sql("DELETE FROM audit_log");
    AuditLog forger(f.clock, "");
    for (int i = 0; i < 3; ++i) {
        f.db.write([&](db::Tx& tx) { forger.append(tx, AuditEntry{"anonymous", "x", "y", "ok", "{}"}); });
    }
    EXPECT_TRUE(forger.verify(f.db).ok);
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.firstBadSeq, 3);
    EXPECT_EQ(f.anchorText(), saved);
}

TEST(AuditLogTest, RolledBackAppendLeavesNoRowAndNoAnchorChange) {
    Fixture f;
    f.append(2);
    std::string before = f.anchorText();
    EXPECT_THROW(f.db.write([&](db::Tx& tx) {
        f.audit.append(tx, AuditEntry{"anonymous", "x", "y", "ok", "{}"});
        throw std::runtime_error("abort");
    }),
                 std::runtime_error);
    EXPECT_EQ(f.anchorText(), before);
    auto r = f.audit.verify(f.db);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_EQ(r.rows, 2);
    f.append(1);
    EXPECT_TRUE(f.audit.verify(f.db).ok);
}

TEST(AuditLogTest, FieldBoundariesAreUnambiguous) {
    // Moving a character from one field to the next must change the hash.
    Fixture f;
    f.db.write([&](db::Tx& tx) { f.audit.append(tx, AuditEntry{"ab", "c", "t", "ok", "{}"}); });
    f.sql("UPDATE audit_log SET actor = 'a', action = 'bc' WHERE seq = 1");
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.firstBadSeq, 1);
}

TEST(AuditLogTest, MalformedAnchorIsReported) {
    Fixture f;
    f.append(2);
    f.audit.flushAnchor();  // the anchor is up to date, then someone spoils it
    std::ofstream(f.anchor) << "garbage\n";
    auto r = f.audit.verify(f.db);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.reason.find("anchor"), std::string::npos) << r.reason;
}

// A burst of commits replaces the anchor file about once per pause (100 ms),
// not once per commit, and the newest head still reaches it.
TEST(AuditLogTest, AnchorCatchesUpWithABurstWithoutAWritePerCommit) {
    Fixture f;
    f.append(1);
    f.audit.flushAnchor();
    const uint64_t before = f.audit.anchorWrites();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i)
        f.db.write([&](db::Tx& tx) {
            f.audit.append(tx, AuditEntry{"anonymous", "x", std::to_string(i), "ok", "{}"});
        });
    const auto pauses =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count() / 100;
    EXPECT_LE(f.audit.anchorWrites() - before, static_cast<uint64_t>(pauses) + 2) << "written on nearly every commit";
    auto head = f.db.read([](db::Connection& c) {
        auto st = c.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        st.step();
        return std::to_string(st.i64(0)) + " " + st.str(1) + "\n";
    });
    EXPECT_EQ(f.anchorText(), head);
}

TEST(AuditLogTest, AnchorWriteFailureDoesNotFailTheCommittedAction) {
    Fixture f;
    std::ofstream(f.dir.file("plainfile")) << "x";
    AuditLog blocked(f.clock, f.dir.file("plainfile/anchor"));  // parent is a file: cannot be created
    EXPECT_NO_THROW(f.db.write([&](db::Tx& tx) { blocked.append(tx, AuditEntry{"anonymous", "x", "y", "ok", "{}"}); }));
    auto r = blocked.verify(f.db);
    EXPECT_FALSE(r.ok);  // the missing anchor is visible to the operator
    EXPECT_NE(r.reason.find("missing"), std::string::npos) << r.reason;
    EXPECT_EQ(r.rows, 1);
}
