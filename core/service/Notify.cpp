#include "core/service/ServiceApp.h"

#include <systemd/sd-daemon.h>

#include <cstdint>

namespace medbox::notify {

// sd_notify() returns 0 and does nothing when NOTIFY_SOCKET is unset, so the
// same binary runs under systemd, in development and in CI.
void ready(const std::string& status) {
    sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%lu", status.c_str(), static_cast<unsigned long>(::getpid()));
}
void stopping() { sd_notify(0, "STOPPING=1"); }
void status(const std::string& s) { sd_notifyf(0, "STATUS=%s", s.c_str()); }
int64_t watchdogIntervalMs() {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0) return 0;
    return static_cast<int64_t>(usec / 1000);
}
void watchdog() { sd_notify(0, "WATCHDOG=1"); }

}  // namespace medbox::notify
