#include "core/service/PeriodicJob.h"

#include <Poco/Logger.h>
#include <algorithm>
#include <chrono>
#include <exception>

namespace medbox {

PeriodicJob::PeriodicJob(std::string name, const Clock& clock, int64_t periodMs, std::function<void()> work,
                         Poco::Logger& logger)
    : name_(std::move(name)),
      clock_(clock),
      periodMs_(std::max<int64_t>(1, periodMs)),
      work_(std::move(work)),
      logger_(logger),
      nextDueMs_(clock.nowMs()) {}

PeriodicJob::~PeriodicJob() { stop(); }

void PeriodicJob::start() {
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stop_ = false;
    }
    thread_ = std::thread([this] { loop(); });
}

void PeriodicJob::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PeriodicJob::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    cv_.notify_all();
}

bool PeriodicJob::runDue() {
    if (clock_.nowMs() < nextDueMs_.load()) return false;
    try {
        work_();
    } catch (const std::exception& e) {
        // A full disk or a busy database: the next period tries again.
        logger_.error("%s failed: %s", name_, std::string(e.what()));
    }
    nextDueMs_ = clock_.nowMs() + periodMs_;
    ++runs_;  // after nextDueMs_: whoever sees the count sees the next due time
    return true;
}

void PeriodicJob::loop() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        runDue();
        lock.lock();
        // Wait until the next run is due by the clock, at most one period of
        // real time (a clock that does not move with real time, as in tests,
        // needs poke()).
        const int64_t waitMs = std::clamp<int64_t>(nextDueMs_.load() - clock_.nowMs(), 0, periodMs_);
        cv_.wait_for(lock, std::chrono::milliseconds(waitMs), [this] { return stop_ || poked_; });
        poked_ = false;
    }
}

}  // namespace medbox
