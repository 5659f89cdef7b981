#pragma once
// Time is injected so that slot release, SLA clocks, lockouts and outbox
// backoff are tested without sleeping. Owned by the service context; used from
// every thread, so implementations are thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace medbox {

class Clock {
public:
    virtual ~Clock() = default;
    // Milliseconds since the Unix epoch (UTC).
    virtual int64_t nowMs() const = 0;
    int64_t nowSeconds() const { return nowMs() / 1000; }
};

class SystemClock final : public Clock {
public:
    int64_t nowMs() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }
};

// A clock tests move by hand.
class ManualClock final : public Clock {
public:
    explicit ManualClock(int64_t startMs = 1'767'225'600'000) : now_(startMs) {}  // 2026-01-01T00:00Z
    int64_t nowMs() const override { return now_.load(); }
    void advanceMs(int64_t ms) { now_ += ms; }
    void setMs(int64_t ms) { now_ = ms; }

private:
    std::atomic<int64_t> now_;
};

}  // namespace medbox
