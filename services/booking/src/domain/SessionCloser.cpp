#include "domain/SessionCloser.h"
#include "domain/Schedules.h"
#include <Poco/Logger.h>
#include <chrono>
#include <exception>

namespace medbox::booking {

void SessionCloser::start() {
    if (env_.rules.autoCloseAfterMinutes <= 0 || thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this] { loop(); });
}

void SessionCloser::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void SessionCloser::loop() {
    Schedules schedules(env_);
    const Caller system{"system:auto-close", false};
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        try {
            const int closed = schedules.closeOverdue(system);
            if (closed > 0) logger_.information("auto-closed %d ended session(s)", closed);
        } catch (const std::exception& e) {
            // A full disk or a busy database: try again next minute.
            logger_.error("auto-close of ended sessions failed: %s", std::string(e.what()));
        }
        lock.lock();
        cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stop_; });
    }
}

}  // namespace medbox::booking
