#pragma once
// Background job closing sessions booking.auto_close_after_minutes after they
// end (no-show marking without a staff click), checked every minute by the
// clock (core PeriodicJob). Off when the key is 0. Owned by BookingApp:
// start() after the server listens, stop() before exit; runs on the job's
// own thread.
#include "domain/BookingEnv.h"
#include "domain/Schedules.h"
#include "core/service/PeriodicJob.h"

namespace Poco {
class Logger;
}

namespace medbox::booking {

class SessionCloser {
public:
    static constexpr int64_t kPeriodMs = 60'000;

    SessionCloser(BookingEnv& env, Poco::Logger& logger);
    void start();  // does nothing while auto-close is off
    void stop() { job_.stop(); }
    // Closes what is overdue if a check is due by the clock (tests, with a
    // ManualClock); returns whether it checked.
    bool runDue() { return job_.runDue(); }

private:
    void closeOverdue();
    BookingEnv& env_;
    Poco::Logger& logger_;
    Schedules schedules_;
    PeriodicJob job_;
};

}  // namespace medbox::booking
