#pragma once
// The lockout rule for password guessing. Failures are counted per user name
// (also for names that do not exist, so that locking does not reveal which
// accounts exist); `threshold` consecutive failures, each within `lockout` of
// the previous one, lock the name for `lockout`. A success, an admin unlock or
// the end of a lock clears the count. Pure: the state lives in the store, the
// time comes from the injected clock. Immutable after construction; any thread.
#include "core/time/Clock.h"
#include <cstdint>
#include <optional>

namespace medbox::console {

struct AttemptState {
    int failures = 0;
    int64_t lastFailureMs = 0;
    std::optional<int64_t> lockedUntilMs;
};

class LoginPolicy {
public:
    LoginPolicy(const Clock& clock, int threshold, int lockoutMinutes);

    // The end of the lock in force now, if any.
    std::optional<int64_t> lockedUntil(const AttemptState& s) const;
    // The state after one more failure now. Sets lockedUntilMs when this
    // failure reaches the threshold.
    AttemptState afterFailure(const AttemptState& s) const;
    // True when the state no longer matters (no lock, count expired): the
    // store may forget it.
    bool isStale(const AttemptState& s) const;

    int threshold() const { return threshold_; }
    int64_t lockoutMs() const { return lockoutMs_; }

private:
    const Clock& clock_;
    int threshold_;
    int64_t lockoutMs_;
};

}  // namespace medbox::console
