#pragma once
// When ServiceApp's watchdog thread may pet systemd's watchdog: only while
// every event loop of the service (the HTTP server's, each TCP listener's)
// turned within the interval, so a wedged listener gets the service
// restarted like a wedged HTTP server. A pure function: tested without systemd.
#include <cstdint>
#include <vector>

namespace medbox {

inline bool everyLoopTurned(int64_t nowMs, int64_t intervalMs, const std::vector<int64_t>& lastLoopMs) {
    for (const int64_t last : lastLoopMs)
        if (nowMs - last >= intervalMs) return false;
    return true;
}

}  // namespace medbox
