#pragma once
// Background job closing sessions booking.auto_close_after_minutes after they
// end (no-show marking without a staff click). Off when the key is 0. Owned by
// BookingApp: start() after the server listens, stop() before exit; one thread.
#include "domain/BookingEnv.h"
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace Poco { class Logger; }

namespace medbox::booking {

class SessionCloser {
public:
    SessionCloser(BookingEnv& env, Poco::Logger& logger) : env_(env), logger_(logger) {}
    ~SessionCloser() { stop(); }
    void start();
    void stop();

private:
    void loop();
    BookingEnv& env_;
    Poco::Logger& logger_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace medbox::booking
