#include "HwCheck.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace medbox::ctl {

namespace {

// 2000 -> "2000", 146.8 -> "146.8": figures a person compares with a spec.
std::string number(double v) {
    std::ostringstream s;
    double rounded = std::round(v * 10.0) / 10.0;
    if (rounded == std::floor(rounded)) {
        s << static_cast<long long>(rounded);
    } else {
        s.setf(std::ios::fixed);
        s.precision(1);
        s << rounded;
    }
    return s.str();
}

std::string gb(std::uint64_t bytes) { return number(static_cast<double>(bytes) / 1e9) + " GB"; }

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
    return out;
}

CheckResult minimumCheck(const std::string& id, const Minimum& m, std::optional<double> found, const std::string& unit,
                         const std::string& detail) {
    CheckResult c;
    c.id = id;
    c.why = m.why;
    c.expected = ">= " + number(m.min) + unit;
    if (!found) {
        c.found = "unknown" + (detail.empty() ? "" : " (" + detail + ")");
        return c;
    }
    c.ok = *found >= m.min;
    c.found = number(*found) + unit + (detail.empty() ? "" : " (" + detail + ")");
    return c;
}

std::string describeDisk(const DiskInventory& d) {
    return d.name + " (" + d.transport + ", " + gb(d.sizeBytes) + (d.model.empty() ? "" : ", " + d.model) + ")";
}

void checkDisks(const HwProfile& profile, const Inventory& inv, std::vector<CheckResult>& out) {
    // Largest requirement first, each taking the smallest disks that fit, so a
    // big disk is not used up by a group a small one would satisfy.
    std::vector<std::size_t> order(profile.disks.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return profile.disks[a].minSizeGB > profile.disks[b].minSizeGB; });
    std::vector<std::size_t> bySize(inv.disks.size());
    for (std::size_t i = 0; i < bySize.size(); ++i) bySize[i] = i;
    std::stable_sort(bySize.begin(), bySize.end(),
                     [&](auto a, auto b) { return inv.disks[a].sizeBytes < inv.disks[b].sizeBytes; });

    std::vector<bool> used(inv.disks.size(), false);
    std::vector<CheckResult> results(profile.disks.size());
    for (auto gi : order) {
        const DiskGroup& g = profile.disks[gi];
        CheckResult& c = results[gi];
        c.id = "disks." + g.role;
        c.why = g.why;
        c.expected = std::to_string(g.count) + " x " + join(g.transports, "/") + " disk >= " + number(g.minSizeGB) +
                     " GB";
        if (g.raidVolumeMinSizeGB)
            c.expected += " (or one hardware-RAID volume >= " + number(*g.raidVolumeMinSizeGB) + " GB)";

        std::vector<std::size_t> picked;
        for (auto di : bySize) {
            if (static_cast<int>(picked.size()) == g.count) break;
            const auto& d = inv.disks[di];
            bool transportOk = std::find(g.transports.begin(), g.transports.end(), d.transport) != g.transports.end();
            if (!used[di] && transportOk && static_cast<double>(d.sizeBytes) >= g.minSizeGB * 1e9) picked.push_back(di);
        }
        if (static_cast<int>(picked.size()) < g.count && g.raidVolumeMinSizeGB) {
            for (auto di : bySize) {
                const auto& d = inv.disks[di];
                if (!used[di] && d.transport == "raid" &&
                    static_cast<double>(d.sizeBytes) >= *g.raidVolumeMinSizeGB * 1e9) {
                    picked = {di};
                    c.ok = true;
                    break;
                }
            }
        } else {
            c.ok = static_cast<int>(picked.size()) == g.count;
        }
        if (c.ok) {
            std::vector<std::string> names;
            for (auto di : picked) {
                used[di] = true;
                names.push_back(describeDisk(inv.disks[di]));
            }
            c.found = join(names, ", ");
        } else {
            std::vector<std::string> unusedDisks;
            for (std::size_t di = 0; di < inv.disks.size(); ++di) {
                if (!used[di]) unusedDisks.push_back(describeDisk(inv.disks[di]));
            }
            c.found = std::to_string(picked.size()) + " suitable; " +
                      (unusedDisks.empty() ? std::string("no other disks") : "disks: " + join(unusedDisks, ", "));
        }
    }
    for (auto& r : results) out.push_back(std::move(r));
}

std::string describeNic(const NicInventory& n) {
    return n.name + " (" +
           (n.speedMbps ? std::to_string(*n.speedMbps) + " Mb/s" : std::string("speed unknown, no link?")) + ")";
}

void checkNics(const HwProfile& profile, const Inventory& inv, std::vector<CheckResult>& out) {
    std::vector<std::size_t> order(profile.nics.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return profile.nics[a].minSpeedMbps > profile.nics[b].minSpeedMbps; });
    std::vector<std::size_t> bySpeed(inv.nics.size());
    for (std::size_t i = 0; i < bySpeed.size(); ++i) bySpeed[i] = i;
    std::stable_sort(bySpeed.begin(), bySpeed.end(), [&](auto a, auto b) {
        return inv.nics[a].speedMbps.value_or(0) < inv.nics[b].speedMbps.value_or(0);
    });

    std::vector<bool> used(inv.nics.size(), false);
    std::vector<CheckResult> results(profile.nics.size());
    for (auto gi : order) {
        const NicGroup& g = profile.nics[gi];
        CheckResult& c = results[gi];
        c.id = "nics." + g.role;
        c.why = g.why;
        c.expected = std::to_string(g.count) + " port" + (g.count > 1 ? "s" : "") +
                     " >= " + std::to_string(g.minSpeedMbps) + " Mb/s with link";
        std::vector<std::size_t> picked;
        for (auto ni : bySpeed) {
            if (static_cast<int>(picked.size()) == g.count) break;
            const auto& n = inv.nics[ni];
            if (!used[ni] && n.speedMbps && *n.speedMbps >= g.minSpeedMbps) picked.push_back(ni);
        }
        c.ok = static_cast<int>(picked.size()) == g.count;
        if (c.ok) {
            std::vector<std::string> names;
            for (auto ni : picked) {
                used[ni] = true;
                names.push_back(describeNic(inv.nics[ni]));
            }
            c.found = join(names, ", ");
        } else {
            std::vector<std::string> free;
            for (std::size_t ni = 0; ni < inv.nics.size(); ++ni) {
                if (!used[ni]) free.push_back(describeNic(inv.nics[ni]));
            }
            c.found = std::to_string(picked.size()) + " suitable; " +
                      (free.empty() ? std::string("no other ports") : "ports: " + join(free, ", "));
        }
    }
    for (auto& r : results) out.push_back(std::move(r));
}

}  // namespace

std::size_t HwReport::mismatches() const {
    return static_cast<std::size_t>(std::count_if(checks.begin(), checks.end(), [](const auto& c) { return !c.ok; }));
}

HwReport checkHardware(const HwProfile& profile, const Inventory& inv) {
    HwReport report;
    report.profile = profile.name;
    report.title = profile.title;
    report.root = inv.root.string();
    report.notes = inv.notes;
    auto& checks = report.checks;
    const CpuInventory& cpu = inv.cpu;
    bool haveCpu = cpu.logicalCpus > 0;

    if (profile.cpuSockets) {
        checks.push_back(minimumCheck("cpu.sockets", *profile.cpuSockets,
                                      haveCpu ? std::optional<double>(cpu.sockets) : std::nullopt, "", cpu.model));
    }
    if (profile.cpuThreadsPerSocket) {
        checks.push_back(minimumCheck("cpu.threadsPerSocket", *profile.cpuThreadsPerSocket,
                                      haveCpu ? std::optional<double>(cpu.minThreadsPerSocket) : std::nullopt, "",
                                      std::to_string(cpu.logicalCpus) + " logical CPUs"));
    }
    if (profile.cpuFrequencyMHz) {
        checks.push_back(
            minimumCheck("cpu.frequencyMHz", *profile.cpuFrequencyMHz, cpu.frequencyMHz, " MHz", cpu.frequencySource));
    }
    if (profile.cpuCachePerSocketMiB) {
        checks.push_back(minimumCheck("cpu.cachePerSocketMiB", *profile.cpuCachePerSocketMiB, cpu.cachePerSocketMiB,
                                      " MiB", cpu.cacheSource));
    }
    if (profile.memoryMiB) {
        // MemTotal is installed RAM minus what firmware and the kernel keep.
        Minimum m = *profile.memoryMiB;
        double threshold = std::floor(m.min * (100.0 - profile.memoryTolerancePercent) / 100.0);
        std::optional<double> found;
        if (inv.memTotalKiB) found = static_cast<double>(*inv.memTotalKiB) / 1024.0;
        CheckResult c;
        c.id = "memory.totalMiB";
        c.why = m.why;
        c.expected = number(m.min) + " MiB installed (MemTotal >= " + number(threshold) + " MiB)";
        c.ok = found && std::floor(*found) >= threshold;
        c.found = found ? "MemTotal " + number(std::floor(*found)) + " MiB" : "unknown";
        checks.push_back(std::move(c));
    }
    checkDisks(profile, inv, checks);
    checkNics(profile, inv, checks);
    if (profile.fcHbas) {
        const FcRequirement& f = *profile.fcHbas;
        CheckResult c;
        c.id = "fcHbas";
        c.why = f.why;
        c.expected = std::to_string(f.count) + " FC port" + (f.count == 1 ? "" : "s") +
                     " supporting >= " + std::to_string(f.minSpeedGbit) + " Gbit";
        int suitable = 0;
        std::vector<std::string> hosts;
        for (const auto& h : inv.fcHosts) {
            if (h.maxSpeedGbit && *h.maxSpeedGbit >= f.minSpeedGbit) ++suitable;
            hosts.push_back(h.name + " (" +
                            (h.maxSpeedGbit ? std::to_string(*h.maxSpeedGbit) + " Gbit" : "speed unknown") +
                            (h.portState.empty() ? "" : ", " + h.portState) + ")");
        }
        c.ok = suitable >= f.count;
        c.found = std::to_string(suitable) + " suitable" + (hosts.empty() ? "; no FC ports" : ": " + join(hosts, ", "));
        checks.push_back(std::move(c));
    }
    if (profile.powerSupplies) {
        const PowerInventory& p = inv.power;
        auto c = minimumCheck("powerSupplies", *profile.powerSupplies, p.working(), "",
                              "SMBIOS power supply records " + std::to_string(p.dmiRecords) + ", present " +
                                  std::to_string(p.dmiPresent) + "; mains supplies online " +
                                  std::to_string(p.mainsOnline));
        checks.push_back(std::move(c));
    }
    return report;
}

std::string formatReportText(const HwReport& r) {
    std::ostringstream s;
    s << "profile: " << r.profile << (r.title.empty() ? "" : " - " + r.title) << "\n";
    s << "root: " << r.root << "\n";
    for (const auto& c : r.checks) {
        s << (c.ok ? "ok       " : "MISMATCH ") << c.id << ": expected " << c.expected << ", found " << c.found << "\n";
        if (!c.ok && !c.why.empty()) s << "         why: " << c.why << "\n";
    }
    for (const auto& n : r.notes) s << "note: " << n << "\n";
    auto n = r.mismatches();
    if (n == 0) {
        s << "result: the machine matches profile " << r.profile << "\n";
    } else {
        s << "result: " << n << " mismatch" << (n == 1 ? "" : "es") << "; the machine does not match profile "
          << r.profile << "\n";
    }
    return s.str();
}

std::string formatReportJson(const HwReport& r) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("profile", r.profile);
    root.set("root", r.root);
    root.set("matches", r.matches());
    root.set("mismatches", static_cast<int>(r.mismatches()));
    Poco::JSON::Array checks;
    for (const auto& c : r.checks) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("id", c.id);
        o.set("ok", c.ok);
        o.set("expected", c.expected);
        o.set("found", c.found);
        o.set("why", c.why);
        checks.add(o);
    }
    root.set("checks", checks);
    Poco::JSON::Array notes;
    for (const auto& n : r.notes) notes.add(n);
    root.set("notes", notes);
    std::ostringstream s;
    root.stringify(s, 2);
    s << "\n";
    return s.str();
}

}  // namespace medbox::ctl
