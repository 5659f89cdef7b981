// Check-in window, queue numbers, call-next / recall / pass order and
// session close (no-show marking), on a real database with a ManualClock.
#include "TestEnv.h"
#include "core/error/AppError.h"
#include "store/AppointmentStore.h"

using namespace medbox;
using namespace medbox::booking;
using namespace medbox::booking::testing;

namespace {

template <class F>
void expectErr(Err expected, F&& f) {
    try {
        f();
        ADD_FAILURE() << "expected AppError " << errInfo(expected).code;
    } catch (const AppError& e) {
        EXPECT_EQ(static_cast<int>(e.err()), static_cast<int>(expected)) << e.what();
    }
}

std::vector<int64_t> waitingIds(const QueueState& q) {
    std::vector<int64_t> ids;
    for (const auto& a : q.waiting) ids.push_back(a.id);
    return ids;
}

}  // namespace

class QueueTest : public BookingTest {
protected:
    void SetUp() override {
        BookingTest::SetUp();
        populate();
    }
    void populate() {
        p.clear();
        at("2026-01-05", "08:00");
        // 10:00-12:00, four 30-minute slots of two places, room A2-01.
        s = schedule(doctor(department().id).id, "2026-01-05", "morning", 8, "10:00", "12:00", 30);
        sl = slots(s.id);
        for (int i = 0; i < 6; ++i) p.push_back(book(sl[i / 2].id, i + 1, desk).appointment.id);
        // p[0], p[1]: 10:00   p[2], p[3]: 10:30   p[4], p[5]: 11:00
    }
    Schedule s;
    std::vector<Slot> sl;
    std::vector<int64_t> p;
};

TEST_F(QueueTest, CheckInWindowAndQueueNumbers) {
    Appointments appts(*env);
    at("2026-01-05", "08:59");
    expectErr(Err::CheckInClosed, [&] { appts.checkIn(nurse, p[0]); });
    at("2026-01-05", "09:00");
    expectErr(Err::CheckInClosed, [&] { appts.checkIn(nurse, p[2]); });  // 10:30 slot opens 09:30
    EXPECT_EQ(appts.checkIn(nurse, p[1]).queueNo.value_or(0), 1);
    EXPECT_EQ(appts.checkIn(portal, p[0]).queueNo.value_or(0), 2);
    // A retried check-in keeps its number.
    EXPECT_EQ(appts.checkIn(portal, p[0]).queueNo.value_or(0), 2);
    at("2026-01-05", "09:30");
    EXPECT_EQ(appts.checkIn(nurse, p[2]).queueNo.value_or(0), 3);
    EXPECT_EQ(*appts.aheadOf(appts.get(p[2])), 2);
    at("2026-01-05", "12:01");
    expectErr(Err::CheckInClosed, [&] { appts.checkIn(nurse, p[3]); });
    EXPECT_EQ(countRows(*db, "audit_log", "booking.check_in"), 3);
}

TEST_F(QueueTest, CallRecallPassOrder) {
    Appointments appts(*env);
    Queue queue(*env);
    at("2026-01-05", "10:00");
    for (int i : {2, 0, 1, 3}) appts.checkIn(nurse, p[i]);  // queue numbers 1..4
    auto q = queue.state("A2-01");
    EXPECT_FALSE(q.current);
    EXPECT_EQ(waitingIds(q), (std::vector<int64_t>{p[2], p[0], p[1], p[3]}));
    expectErr(Err::QueueEmpty, [&] { queue.recall(nurse, "A2-01"); });
    expectErr(Err::QueueEmpty, [&] { queue.pass(nurse, "A2-01"); });

    q = queue.callNext(nurse, "A2-01");
    ASSERT_TRUE(q.current);
    EXPECT_EQ(q.current->id, p[2]);
    EXPECT_EQ(q.current->queueNo.value_or(0), 1);
    // Pass: p[2] goes behind two waiting patients; nobody is called.
    q = queue.pass(nurse, "A2-01");
    EXPECT_FALSE(q.current);
    EXPECT_EQ(waitingIds(q), (std::vector<int64_t>{p[0], p[1], p[2], p[3]}));
    q = queue.callNext(nurse, "A2-01");
    EXPECT_EQ(q.current->id, p[0]);
    q = queue.recall(nurse, "A2-01");
    EXPECT_EQ(q.current->id, p[0]);
    EXPECT_EQ(q.current->callCount, 2);
    q = queue.callNext(nurse, "A2-01");  // p[0] done
    EXPECT_EQ(q.current->id, p[1]);
    EXPECT_EQ(appts.get(p[0]).status, "completed");
    q = queue.callNext(nurse, "A2-01");
    EXPECT_EQ(q.current->id, p[2]);
    EXPECT_EQ(q.current->passCount, 1);
    // Passing with one waiting patient: goes to the end.
    q = queue.pass(nurse, "A2-01");
    EXPECT_EQ(waitingIds(q), (std::vector<int64_t>{p[3], p[2]}));
    q = queue.callNext(nurse, "A2-01");
    EXPECT_EQ(q.current->id, p[3]);
    q = queue.callNext(nurse, "A2-01");
    EXPECT_EQ(q.current->id, p[2]);
    // Nobody waiting: refused, the current patient stays current.
    expectErr(Err::QueueEmpty, [&] { queue.callNext(nurse, "A2-01"); });
    EXPECT_EQ(queue.state("A2-01").current->id, p[2]);
    expectErr(Err::NotFound, [&] { queue.state("Z9-99"); });
}

TEST_F(QueueTest, PassWithZeroRequeueCallsThePatientAgainFirst) {
    BookingRules rules;
    rules.passRequeueAfter = 0;
    open(rules);
    populate();  // fresh database with the new rules
    Appointments appts(*env);
    Queue queue(*env);
    at("2026-01-05", "10:00");
    for (int i : {0, 1}) appts.checkIn(nurse, p[i]);
    queue.callNext(nurse, "A2-01");
    const auto q = queue.pass(nurse, "A2-01");
    EXPECT_EQ(waitingIds(q), (std::vector<int64_t>{p[0], p[1]}));
}

TEST_F(QueueTest, CloseMarksNoShowsAndUnserved) {
    Appointments appts(*env);
    Queue queue(*env);
    Schedules schedules(*env);
    expectErr(Err::Conflict, [&] { schedules.close(desk, s.id); });  // 08:00: not started
    at("2026-01-05", "10:00");
    appts.checkIn(nurse, p[0]);
    appts.checkIn(nurse, p[1]);
    appts.checkIn(nurse, p[2]);
    expectErr(Err::CancelTooLate, [&] { appts.cancel(desk, p[5], ""); });  // 11:00 slot, cutoff 09:00
    queue.callNext(nurse, "A2-01");                                        // p[0] called
    queue.callNext(nurse, "A2-01");                                        // p[0] completed, p[1] called
    at("2026-01-05", "12:00");
    const CloseResult r = schedules.close(desk, s.id);
    EXPECT_EQ(r.noShows, 3);    // p[3], p[4], p[5]
    EXPECT_EQ(r.unserved, 1);   // p[2]
    EXPECT_EQ(r.completed, 1);  // p[1]
    EXPECT_EQ(appts.get(p[3]).status, "no_show");
    EXPECT_EQ(appts.get(p[2]).status, "unserved");
    EXPECT_EQ(appts.get(p[1]).status, "completed");
    expectErr(Err::Conflict, [&] { schedules.close(desk, s.id); });
    expectErr(Err::CheckInClosed, [&] { appts.checkIn(nurse, p[3]); });
}
