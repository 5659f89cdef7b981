// HIS downtime and reconciliation: attempts without an answer mark the
// partner down (by count or by silence), audited and announced; bookings
// queued meanwhile are sent in order when it answers again; one the HIS
// refuses then (it sold the slot) is a conflict on the report, not reversed
// on its own, and staff cancel it (booking reverses it, the patient is
// told), resolve it with a note, or send it again.
#include "SenderFixture.h"
#include "core/error/AppError.h"
#include "domain/PartnerFigures.h"
#include "domain/PartnerHealth.h"
#include "domain/Reconciliation.h"

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;

namespace {

class DowntimeTest : public SenderFixture {
protected:
    bool up() {
        return db_->read([&](db::Connection& c) { return partnerStatus(c, "his").up; });
    }
    // One sender run, then the clock moves on by `ms` (past short backoffs).
    void step(int64_t ms = 5'000) {
        sender_->runOnce();
        clock_.advanceMs(ms);
    }
};

TEST_F(DowntimeTest, ThePartnerGoesDownAfterThreeAttemptsWithoutAnAnswerAndUpOnTheNextAnswer) {
    his_.script({"hang", "hang"});
    accept("h1", "booking.created", created(1, "A"));
    step();
    step();
    EXPECT_TRUE(up());  // two silences: not yet
    his_.script({"hang"});
    step();
    EXPECT_FALSE(up());
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'hisbridge.partner_down' AND target = "
                    "'partner:his' AND actor = 'system:hisbridge'"),
              1);
    EXPECT_EQ(one("SELECT topic FROM outbox WHERE destination = 'alerting'"), "his.partner_down");
    EXPECT_EQ(one("SELECT downtime FROM his_outgoing WHERE request_id = 'h1'"), "1");
    step();  // answers 0000
    EXPECT_TRUE(up());
    EXPECT_EQ(state("h1"), "acknowledged");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'hisbridge.partner_up'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE topic = 'his.partner_up'"), 1);
    const auto figures = db_->read([&](db::Connection& c) { return partnerFigures(c, env_->config, env_->now()); });
    ASSERT_FALSE(figures.empty());
    EXPECT_EQ(figures[0].name, "his");
    EXPECT_EQ(figures[0].failures, 3);
    EXPECT_EQ(figures[0].queueDepth, 0);
}

TEST_F(DowntimeTest, SilenceLongerThanTheLimitMarksItDownBeforeTheCount) {
    his_.script({"hang", "hang"});
    accept("s1", "booking.created", created(1, "A"));
    step(61'000);  // the default limit: 60 s without an answer
    EXPECT_TRUE(up());
    step();
    EXPECT_FALSE(up());
    EXPECT_EQ(count("SELECT count(*) FROM his_partner WHERE failures = 2 AND down_since_ms IS NOT NULL"), 1);
}

TEST_F(DowntimeTest, QueuedBookingsGoInOrderOnReturnAndASlotTheHisSoldIsOnTheReportUntilHandled) {
    his_.script({"hang", "hang", "hang"});
    accept("a1", "booking.created", created(11, "A"));
    step();
    step();
    step();
    ASSERT_FALSE(up());
    // Booking goes on against medbox's slots while the HIS is down.
    accept("b1", "booking.created", created(12, "11010519491231002X"));
    accept("c1", "booking.created", created(13, "C"));
    accept("a2", "booking.cancelled", cancelled(11, "A"));
    EXPECT_EQ(one("SELECT downtime FROM his_outgoing WHERE request_id = 'b1'"), "1");
    {
        const auto f = db_->read([&](db::Connection& c) { return partnerFigures(c, env_->config, env_->now()); });
        EXPECT_EQ(f.at(0).queueDepth, 4);
        EXPECT_GE(f.at(0).oldestAgeSeconds, 15.0);
        EXPECT_EQ(f.at(0).up, std::optional<bool>(false));
    }
    // The HIS returns; meanwhile it sold b1's slot to someone else.
    his_.script({"0000", "2001", "0000", "0000"});
    drain(4);
    EXPECT_TRUE(up());
    EXPECT_EQ(his_.log(),
              (std::vector<std::string>{"P201 a1", "P201 a1", "P201 a1", "P201 a1", "P201 b1", "P201 c1", "P202 a2"}));
    EXPECT_EQ(state("b1"), "conflict");
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE topic = 'his.booking_refused'"), 0);  // not reversed alone

    Reconciliation report(*env_);
    auto items = report.list("staff:sched");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].appointmentId, 12);
    EXPECT_EQ(items[0].state, "conflict");
    EXPECT_EQ(items[0].patientName, "张*");
    EXPECT_EQ(items[0].documentNumber.find("11010519491231002X"), std::string::npos);  // masked
    EXPECT_EQ(items[0].date, "2026-12-07");
    EXPECT_EQ(items[0].session, "morning");
    EXPECT_EQ(items[0].hisCode, "2001");
    EXPECT_EQ(items[0].hisMessage, "号源已被占用");

    EXPECT_THROW(report.cancel("staff:sched", items[0].id, ""), AppError);  // a note is required
    report.cancel("staff:sched", items[0].id, "patient called, rebooked for Thursday");
    EXPECT_EQ(state("b1"), "cancelled");
    EXPECT_EQ(one("SELECT topic FROM outbox WHERE destination = 'booking'"), "his.booking_refused");
    EXPECT_EQ(one("SELECT topic FROM outbox WHERE destination = 'portal'"), "booking.his_refused");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'hisbridge.reconcile_cancel' AND actor = "
                    "'staff:sched' AND target = 'his:" +
                    std::to_string(items[0].id) + "'"),
              1);
    try {
        report.resolve("staff:sched", items[0].id, "twice");
        FAIL() << "a handled conflict was handled again";
    } catch (const AppError& e) {
        EXPECT_EQ(e.err(), Err::Conflict);
    }
    // Handled rows stay on the report, with who and why.
    items = report.list("staff:sched");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].state, "cancelled");
    EXPECT_EQ(items[0].handledBy, std::optional<std::string>("staff:sched"));
}

TEST_F(DowntimeTest, AConflictIsResolvedWithANoteOrSentAgainAndComesBackIfRefusedAgain) {
    his_.script({"hang", "hang", "hang"});
    accept("x0", "booking.created", created(20, "X"));
    step();
    step();
    step();
    accept("r1", "booking.created", created(21, "R"));
    accept("s1", "booking.created", created(22, "S"));
    his_.script({"0000", "2001", "2001"});
    drain(3);
    ASSERT_EQ(state("r1"), "conflict");
    ASSERT_EQ(state("s1"), "conflict");
    Reconciliation report(*env_);
    const auto items = report.list("staff:root");
    ASSERT_EQ(items.size(), 2u);
    report.resolve("staff:root", items[0].id, "the HIS moved its own booking");
    EXPECT_EQ(state("r1"), "resolved");
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE topic = 'his.booking_refused'"), 0);
    report.resend("staff:root", items[1].id);
    EXPECT_EQ(state("s1"), "pending");
    his_.script({"2001"});
    drain(2);
    EXPECT_EQ(state("s1"), "conflict");  // refused again: back on the report, never dropped
    report.resend("staff:root", items[1].id);
    drain(2);
    EXPECT_EQ(state("s1"), "acknowledged");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action LIKE 'hisbridge.reconcile_%' AND action <> "
                    "'hisbridge.reconcile_list'"),
              3);
}

TEST_F(DowntimeTest, ARefusalWithoutDowntimeIsStillReversedAtOnce) {
    his_.script({"2001"});
    accept("n1", "booking.created", created(30, "N"));
    drain(2);
    EXPECT_EQ(state("n1"), "refused");
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE topic = 'his.booking_refused'"), 1);
    EXPECT_TRUE(Reconciliation(*env_).list("staff:root").empty());
}

}  // namespace
