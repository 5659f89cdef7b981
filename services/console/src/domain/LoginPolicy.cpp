#include "domain/LoginPolicy.h"

#include <algorithm>

namespace medbox::console {

LoginPolicy::LoginPolicy(const Clock& clock, int threshold, int lockoutMinutes)
    : clock_(clock), threshold_(std::max(1, threshold)), lockoutMs_(int64_t{std::max(1, lockoutMinutes)} * 60'000) {}

std::optional<int64_t> LoginPolicy::lockedUntil(const AttemptState& s) const {
    if (s.lockedUntilMs && *s.lockedUntilMs > clock_.nowMs()) return s.lockedUntilMs;
    return std::nullopt;
}

AttemptState LoginPolicy::afterFailure(const AttemptState& s) const {
    const int64_t now = clock_.nowMs();
    AttemptState next = s;
    // A lock that has run out, or failures spread wider than the window, start
    // a fresh count: an old typo should not make today's one the last straw.
    if ((s.lockedUntilMs && *s.lockedUntilMs <= now) || now - s.lastFailureMs > lockoutMs_) {
        next = AttemptState{};
    }
    next.failures += 1;
    next.lastFailureMs = now;
    if (next.failures >= threshold_) next.lockedUntilMs = now + lockoutMs_;
    return next;
}

bool LoginPolicy::isStale(const AttemptState& s) const {
    const int64_t now = clock_.nowMs();
    return !lockedUntil(s) && now - s.lastFailureMs > lockoutMs_;
}

}  // namespace medbox::console
