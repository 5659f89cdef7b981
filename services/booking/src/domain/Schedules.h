#pragma once
// Schedules (排班): one doctor, one clinic date, one session, split into
// slots with capacities. Creation and changes, stop-clinic (停诊) and closing
// a session (no-show marking). Every write is one transaction with its audit
// row, its outbox messages and a cache invalidation after commit.
// Stateless apart from the environment; thread-safe.
#include "domain/BookingEnv.h"
#include "store/Rows.h"
#include "store/ScheduleStore.h"
#include <string>
#include <vector>

namespace medbox::booking {

// A validated request to create or change a schedule (formats checked by the
// handler; dates, times and references checked here).
struct ScheduleInput {
    int64_t doctorId = 0;
    std::string date;
    std::string session;
    std::string startTime;  // HH:MM
    std::string endTime;
    int slotMinutes = 30;
    std::string room;
    int capacity = 0;
    int feeCents = 0;
};

struct CloseResult {
    int noShows = 0;    // booked, never checked in
    int unserved = 0;   // checked in, never seen (not counted as no-show)
    int completed = 0;  // the patient being seen when the session closed
};

class Schedules {
public:
    explicit Schedules(BookingEnv& env) : env_(env) {}

    Schedule get(int64_t id) const;  // NotFound
    std::vector<Appointment> appointments(int64_t id) const;

    Schedule create(const Caller& who, const ScheduleInput& in);
    // Changes room, fee, capacity and (while nothing was ever booked) times.
    Schedule update(const Caller& who, int64_t id, const ScheduleInput& in);
    // Only a schedule that never had a booking.
    void remove(const Caller& who, int64_t id);
    // 停诊: cancels every active booking and queues a notice for each patient.
    Schedule stop(const Caller& who, int64_t id, const std::string& reason, int* cancelled = nullptr);
    // Ends the session: no-show marking (see CloseResult).
    CloseResult close(const Caller& who, int64_t id);
    // Closes open sessions that ended more than rules.autoCloseAfterMinutes ago.
    int closeOverdue(const Caller& who);

private:
    void checkTimes(const ScheduleInput& in, int64_t day) const;
    BookingEnv& env_;
};

}  // namespace medbox::booking
