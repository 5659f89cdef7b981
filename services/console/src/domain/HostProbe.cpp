#include "domain/HostProbe.h"

#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <utility>

namespace medbox::console {

HostProbe::HostProbe(std::string procDir, std::vector<std::string> mounts)
    : procDir_(std::move(procDir)), mounts_(std::move(mounts)) {}

// The first line of /proc/stat: "cpu  user nice system idle iowait irq softirq steal ..."
// (proc(5)); idle and iowait are the time the CPUs had nothing to run.
std::optional<HostProbe::CpuTimes> HostProbe::cpuTimes() const {
    std::ifstream in(procDir_ + "/stat");
    std::string label;
    if (!(in >> label) || label != "cpu") return std::nullopt;
    CpuTimes t;
    std::uint64_t v = 0;
    for (int i = 0; i < 8 && in >> v; ++i) {
        t.total += v;
        if (i != 3 && i != 4) t.busy += v;  // not idle, not iowait
    }
    if (t.total == 0) return std::nullopt;
    return t;
}

std::vector<Reading> HostProbe::read() {
    std::vector<Reading> out;
    if (auto now = cpuTimes()) {
        if (previous_ && now->total > previous_->total && now->busy >= previous_->busy) {
            const double busy = static_cast<double>(now->busy - previous_->busy);
            out.push_back({"cpu.busy", busy / static_cast<double>(now->total - previous_->total)});
        }
        previous_ = now;
    }

    std::ifstream meminfo(procDir_ + "/meminfo");
    std::optional<double> total, available;
    std::string line;
    while (std::getline(meminfo, line)) {
        std::istringstream fields(line);
        std::string key;
        double kib = 0;
        if (!(fields >> key >> kib)) continue;
        if (key == "MemTotal:") total = kib * 1024;
        if (key == "MemAvailable:") available = kib * 1024;
    }
    if (total && available && *available <= *total) {
        out.push_back({"mem.total_bytes", *total});
        out.push_back({"mem.used_bytes", *total - *available});
    }

    std::set<dev_t> seen;  // file systems already counted (their device)
    for (const auto& mount : mounts_) {
        struct stat where {};
        struct statvfs st {};
        if (::stat(mount.c_str(), &where) != 0 || !seen.insert(where.st_dev).second) continue;
        if (::statvfs(mount.c_str(), &st) != 0) continue;
        const double block = static_cast<double>(st.f_frsize);
        out.push_back({"disk.total_bytes:" + mount, block * static_cast<double>(st.f_blocks)});
        out.push_back({"disk.used_bytes:" + mount, block * static_cast<double>(st.f_blocks - st.f_bfree)});
    }
    return out;
}

}  // namespace medbox::console
