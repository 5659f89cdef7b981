#pragma once
// The time panel's data (docs/console.md, "Time"): what timedated and
// systemd-timesyncd say over D-Bus, as `timedatectl show`, `timedatectl
// show-timesync` and `timedatectl timesync-status` print it. The parsers
// are pure (unit-tested on those programs' output); readTimeStatus runs them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

struct TimeStatus {
    bool available = false;     // timedated answered
    std::string error{};        // why not, when it did not
    bool ntpEnabled = false;    // NTP=yes: timesyncd is switched on
    bool synchronized = false;  // NTPSynchronized=yes (the kernel's clock is synchronised)
    std::string timezone{};
    std::vector<std::string> systemServers{};    // SystemNTPServers (the wizard's 50-medbox.conf)
    std::vector<std::string> fallbackServers{};  // FallbackNTPServers
    std::vector<std::string> linkServers{};      // LinkNTPServers (from DHCP)
    std::string server{};                        // the server in use: "ADDRESS (NAME)"
    std::optional<int> stratum{};
    std::optional<int64_t> offsetUs{};  // this clock minus the server's
    std::optional<int64_t> delayUs{};
    std::optional<int64_t> jitterUs{};
    std::optional<int64_t> pollIntervalUs{};
    std::optional<int64_t> packetCount{};
    std::optional<int64_t> lastSyncMs{};  // the sync file's modification time
    // Unsynchronised, or the offset beyond kWarnOffsetUs either way.
    bool warning() const;
};

inline constexpr int64_t kWarnOffsetUs = 1'000'000;

// systemd's time spans as timedatectl prints them: "+1.107ms", "-2min 3.5s",
// "483us", "34min 8s"; nothing for anything else.
std::optional<int64_t> parseTimespanUs(const std::string& text);

// KEY=VALUE lines of `timedatectl show` and `show-timesync` into `status`.
void parseTimedatectlShow(const std::string& text, TimeStatus& status);
// "Key: value" lines of `timedatectl timesync-status` into `status`.
void parseTimesyncStatus(const std::string& text, TimeStatus& status);

// Runs `timedatectl` (3 times, 5 s each at most) and stats the sync file.
TimeStatus readTimeStatus(const std::string& timedatectl, const std::string& syncFile);

}  // namespace medbox::console
