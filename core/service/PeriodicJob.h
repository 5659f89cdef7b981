#pragma once
// A piece of work run every `periodMs` on its own thread, timed by the
// injected Clock: booking's session closer, alerting's escalations, the
// service desk's SLA clocks. The first run is at start(); each next one
// `periodMs` after the previous one ended. A run that throws is logged (this
// thread is its boundary) and the job goes on at the next period.
//
// Tests drive it without sleeping: with a ManualClock, runDue() runs the work
// when it is due; or, with the thread running, advance the clock and poke().
//
// Owned by the service's App (or the domain object it starts); start() after
// the server listens, stop() before exit (also done by the destructor). The
// work runs on the job's thread only, never two runs at once.
#include "core/time/Clock.h"
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace Poco {
class Logger;
}

namespace medbox {

class PeriodicJob {
public:
    // name: what the log says ("auto-close of ended sessions");
    // logger: the area's logger (booking.sessions).
    PeriodicJob(std::string name, const Clock& clock, int64_t periodMs, std::function<void()> work,
                Poco::Logger& logger);
    ~PeriodicJob();
    PeriodicJob(const PeriodicJob&) = delete;
    PeriodicJob& operator=(const PeriodicJob&) = delete;

    // Starts the thread (a second call does nothing). The first run is due at once.
    void start();
    // Returns once the thread has ended (after the run in progress, if any).
    void stop();
    // Makes the thread look at the clock now instead of at the end of its
    // wait (after a ManualClock moved; harmless otherwise).
    void poke();

    // Runs the work if the clock says it is due; returns whether it ran.
    // Called by the thread; tests call it directly while the thread is not started.
    bool runDue();
    // When the next run is due (ms since the epoch, by the clock).
    int64_t nextDueMs() const { return nextDueMs_.load(); }
    // Runs so far, failed ones included (counted once nextDueMs() is set).
    uint64_t runs() const { return runs_.load(); }

private:
    void loop();

    const std::string name_;
    const Clock& clock_;
    const int64_t periodMs_;
    const std::function<void()> work_;
    Poco::Logger& logger_;
    std::atomic<int64_t> nextDueMs_;
    std::atomic<uint64_t> runs_{0};
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stop_ = false;   // under mutex_
    bool poked_ = false;  // under mutex_
    std::thread thread_;
};

}  // namespace medbox
