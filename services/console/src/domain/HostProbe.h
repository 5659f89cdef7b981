#pragma once
// What the host looks like right now, for the overview's charts: the CPU's
// busy share since the previous reading (/proc/stat), memory in use
// (/proc/meminfo: MemTotal - MemAvailable, what the kernel could not give a
// new program without swapping) and the use of each configured mount
// (statvfs; a mount that is missing or on the same file system as one read
// before is skipped, so "/var/log" on the root file system is not counted
// twice). Not thread-safe: the sampler's thread owns it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

struct Reading {
    std::string metric;  // see migrations/0004_create_resource_samples.sql
    double value = 0;
};

class HostProbe {
public:
    // procDir: "/proc" (tests hand in a folder with stat and meminfo files).
    HostProbe(std::string procDir, std::vector<std::string> mounts);

    // Every reading available now; "cpu.busy" from the second call on (it is
    // a share of the time between two calls). Unreadable sources are skipped.
    std::vector<Reading> read();

private:
    struct CpuTimes {
        std::uint64_t busy = 0, total = 0;
    };
    std::optional<CpuTimes> cpuTimes() const;

    std::string procDir_;
    std::vector<std::string> mounts_;
    std::optional<CpuTimes> previous_;
};

}  // namespace medbox::console
