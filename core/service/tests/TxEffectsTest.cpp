// TxEffects: audit rows and outbox messages go in the caller's transaction;
// the dispatcher is woken for the destination after the commit, never before
// it and never for a transaction that rolled back.
#include "core/service/TxEffects.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

using namespace medbox;

namespace {

struct Fixture {
    testutil::TempDir dir;
    ManualClock clock;
    db::Database db{[this] {
                        db::Options o;
                        o.path = dir.file("svc.db");
                        return o;
                    }(),
                    {}};
    AuditLog audit{clock, ""};
    std::vector<std::string> woken;
    TxEffects effects{audit, clock, [this](const std::string& d) { woken.push_back(d); }};

    int64_t count(const std::string& sql) {
        return db.read([&](db::Connection& c) {
            auto st = c.prepare(sql);
            return st.step() ? st.i64(0) : int64_t{-1};
        });
    }
};

}  // namespace

TEST(TxEffectsTest, SendQueuesInTheTransactionAndWakesAfterCommit) {
    Fixture f;
    std::string id;
    f.db.write([&](db::Tx& tx) {
        id = f.effects.sendIn(tx, "hisbridge", "booking.created", std::string(R"({"a":1})"));
        f.effects.sendIn(tx, "portal", "booking.notice", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
        EXPECT_TRUE(f.woken.empty()) << "woken before the commit";
    });
    EXPECT_EQ(f.woken, (std::vector<std::string>{"hisbridge", "portal"}));
    EXPECT_FALSE(id.empty());
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM outbox WHERE destination = 'hisbridge' AND topic = 'booking.created' "
                      "AND created_ms = " +
                      std::to_string(f.clock.nowMs())),
              1);
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM outbox"), 2);
}

TEST(TxEffectsTest, RollbackQueuesNothingAndWakesNobody) {
    Fixture f;
    EXPECT_THROW(f.db.write([&](db::Tx& tx) {
        f.effects.sendIn(tx, "hisbridge", "booking.created", std::string(R"({"a":1})"));
        f.effects.auditIn(tx, "staff:wang", "booking.create", "appointment:1");
        throw std::runtime_error("refused");
    }),
                 std::runtime_error);
    EXPECT_TRUE(f.woken.empty());
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM outbox"), 0);
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM audit_log"), 0);
}

TEST(TxEffectsTest, AuditRowsCarryActorActionTargetOutcomeAndDetail) {
    Fixture f;
    f.db.write([&](db::Tx& tx) {
        f.effects.auditIn(tx, "staff:wang", "booking.create", "appointment:1", std::string(R"({"slot":3})"));
        f.effects.auditIn(tx, "staff:li", "booking.cancel", "appointment:2");
        f.effects.auditIn(tx, {"anonymous", "auth.login_failed", "user:x", "failed", R"({"reason":"bad"})"});
    });
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM audit_log WHERE actor = 'staff:wang' AND action = 'booking.create' "
                      "AND target = 'appointment:1' AND outcome = 'ok' AND detail = '{\"slot\":3}'"),
              1);
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM audit_log WHERE actor = 'staff:li' AND detail = '{}'"), 1);
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM audit_log WHERE outcome = 'failed' AND action = 'auth.login_failed'"), 1);
    EXPECT_TRUE(f.woken.empty()) << "an audit row alone wakes no dispatcher";
    EXPECT_TRUE(f.audit.verify(f.db).ok);
}

TEST(TxEffectsTest, WithoutAWakeMessagesStillQueue) {
    Fixture f;
    const TxEffects quiet(f.audit, f.clock, TxEffects::wakeOf(nullptr));
    f.db.write([&](db::Tx& tx) { quiet.sendIn(tx, "portal", "x", std::string("{}")); });
    EXPECT_EQ(f.count("SELECT COUNT(*) FROM outbox"), 1);
}
