#include "HwInventory.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

namespace medbox::ctl {

namespace fs = std::filesystem;

namespace {

// procfs/sysfs files are small; a cap keeps a hostile fixture or a huge
// cpuinfo (thousands of CPUs) from exhausting memory.
constexpr std::size_t kMaxFileBytes = 8 * 1024 * 1024;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r' || s.back() == '\0'))
        s.remove_suffix(1);
    return s;
}

std::optional<std::string> readFile(const fs::path& path, bool binary = false) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string data;
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        data.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (data.size() > kMaxFileBytes) return std::nullopt;
    }
    if (in.bad()) return std::nullopt;  // e.g. EINVAL from "speed" of a link that is down
    if (binary) return data;
    return std::string(trim(data));
}

template <typename T>
std::optional<T> toNumber(std::string_view s) {
    s = trim(s);
    T value{};
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return value;
}

std::optional<double> toDouble(std::string_view s) {
    std::string copy(trim(s));
    if (copy.empty()) return std::nullopt;
    char* end = nullptr;
    double d = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size()) return std::nullopt;
    return d;
}

std::vector<fs::path> listDir(const fs::path& dir) {
    std::vector<fs::path> entries;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) entries.push_back(it->path());
    std::sort(entries.begin(), entries.end());
    return entries;
}

bool pathExists(const fs::path& p) {
    std::error_code ec;
    return fs::exists(p, ec);
}

struct Processor {
    int number = -1;
    std::string physicalId;
    std::string model;
    std::optional<double> mhz;
    std::optional<double> cacheKiB;
};

std::vector<Processor> parseCpuinfo(const std::string& text) {
    std::vector<Processor> procs;
    Processor current;
    bool any = false;
    auto flush = [&] {
        if (any) procs.push_back(current);
        current = Processor{};
        any = false;
    };
    std::size_t pos = 0;
    while (pos <= text.size()) {
        auto eol = text.find('\n', pos);
        std::string_view line(text.data() + pos, (eol == std::string::npos ? text.size() : eol) - pos);
        pos = eol == std::string::npos ? text.size() + 1 : eol + 1;
        if (trim(line).empty()) {
            flush();
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto key = trim(line.substr(0, colon));
        auto value = trim(line.substr(colon + 1));
        if (key == "processor") {
            if (any && current.number >= 0) flush();
            current.number = toNumber<int>(value).value_or(-1);
            any = true;
        } else if (key == "physical id") {
            current.physicalId = std::string(value);
        } else if (key == "model name") {
            current.model = std::string(value);
        } else if (key == "cpu MHz") {
            current.mhz = toDouble(value);
        } else if (key == "cache size") {
            auto space = value.find(' ');
            current.cacheKiB = toDouble(value.substr(0, space));
        }
    }
    flush();
    return procs;
}

void readCpu(const fs::path& root, Inventory& inv) {
    auto cpuinfo = readFile(root / "proc/cpuinfo");
    if (!cpuinfo) {
        inv.notes.push_back("cannot read /proc/cpuinfo");
        return;
    }
    auto procs = parseCpuinfo(*cpuinfo);
    CpuInventory& cpu = inv.cpu;
    cpu.logicalCpus = static_cast<int>(procs.size());
    if (procs.empty()) {
        inv.notes.push_back("/proc/cpuinfo lists no processors");
        return;
    }
    cpu.model = procs.front().model;

    std::map<std::string, int> perSocket;
    std::map<int, std::string> socketOf;
    for (const auto& p : procs) {
        ++perSocket[p.physicalId];
        socketOf[p.number] = p.physicalId;
    }
    cpu.sockets = static_cast<int>(perSocket.size());
    cpu.minThreadsPerSocket = std::min_element(perSocket.begin(), perSocket.end(), [](auto& a, auto& b) {
                                  return a.second < b.second;
                              })->second;

    // Nominal clock, most trustworthy source first.
    if (auto base = readFile(root / "sys/devices/system/cpu/cpu0/cpufreq/base_frequency")) {
        if (auto khz = toNumber<long>(*base)) {
            cpu.frequencyMHz = static_cast<double>(*khz) / 1000.0;
            cpu.frequencySource = "cpufreq base_frequency";
        }
    }
    if (!cpu.frequencyMHz) {
        static const std::regex ghz(R"(@\s*([0-9]+(\.[0-9]+)?)\s*GHz)");
        std::smatch m;
        if (std::regex_search(cpu.model, m, ghz)) {
            cpu.frequencyMHz = std::stod(m[1].str()) * 1000.0;
            cpu.frequencySource = "model name";
        }
    }
    if (!cpu.frequencyMHz) {
        for (const auto& p : procs) {
            if (p.mhz && (!cpu.frequencyMHz || *p.mhz > *cpu.frequencyMHz)) cpu.frequencyMHz = p.mhz;
        }
        if (cpu.frequencyMHz) cpu.frequencySource = "/proc/cpuinfo cpu MHz (current clock)";
    }

    // Last-level cache per socket from sysfs: sum of the distinct LLC
    // instances (an AMD socket has several L3 slices), smallest socket wins.
    struct CacheEntry {
        int level = 0;
        std::string shared;
        double mib = 0;
    };
    std::map<int, std::vector<CacheEntry>> caches;  // per processor
    int maxLevel = 0;
    for (const auto& p : procs) {
        fs::path dir = root / "sys/devices/system/cpu" / ("cpu" + std::to_string(p.number)) / "cache";
        for (const auto& index : listDir(dir)) {
            if (!index.filename().string().starts_with("index")) continue;
            auto level = readFile(index / "level");
            auto type = readFile(index / "type");
            auto size = readFile(index / "size");
            auto shared = readFile(index / "shared_cpu_list");
            if (!level || !type || !size || *type == "Instruction") continue;
            auto lvl = toNumber<int>(*level);
            auto mib = parseCacheSizeMiB(*size);
            if (!lvl || !mib) continue;
            caches[p.number].push_back({*lvl, shared.value_or(std::to_string(p.number)), *mib});
            maxLevel = std::max(maxLevel, *lvl);
        }
    }
    if (maxLevel > 0) {
        std::map<std::string, std::map<std::string, double>> instancesPerSocket;
        for (const auto& [number, entries] : caches) {
            for (const auto& e : entries) {
                if (e.level == maxLevel) instancesPerSocket[socketOf[number]][e.shared] = e.mib;
            }
        }
        std::optional<double> smallest;
        for (const auto& [socket, instances] : instancesPerSocket) {
            double sum = 0;
            for (const auto& [shared, mib] : instances) sum += mib;
            if (!smallest || sum < *smallest) smallest = sum;
        }
        cpu.cachePerSocketMiB = smallest;
        cpu.cacheSource = "sysfs L" + std::to_string(maxLevel);
    } else if (procs.front().cacheKiB) {
        cpu.cachePerSocketMiB = *procs.front().cacheKiB / 1024.0;
        cpu.cacheSource = "/proc/cpuinfo cache size";
    } else {
        inv.notes.push_back("no CPU cache information");
    }
}

void readMemory(const fs::path& root, Inventory& inv) {
    auto meminfo = readFile(root / "proc/meminfo");
    if (!meminfo) {
        inv.notes.push_back("cannot read /proc/meminfo");
        return;
    }
    static const std::regex total(R"((^|\n)MemTotal:\s*([0-9]+)\s*kB)");
    std::smatch m;
    if (std::regex_search(*meminfo, m, total)) {
        inv.memTotalKiB = toNumber<std::uint64_t>(m[2].str());
    }
    if (!inv.memTotalKiB) inv.notes.push_back("no MemTotal in /proc/meminfo");
}

std::string scsiHostDriver(const fs::path& root, std::string_view devicePath) {
    static const std::regex host(R"(/(host[0-9]+)/)");
    std::string path(devicePath);
    std::smatch m;
    if (!std::regex_search(path, m, host)) return {};
    return readFile(root / "sys/class/scsi_host" / m[1].str() / "proc_name").value_or("");
}

void readDisks(const fs::path& root, Inventory& inv) {
    fs::path blockDir = root / "sys/block";
    if (!pathExists(blockDir)) {
        inv.notes.push_back("no /sys/block");
        return;
    }
    for (const auto& dir : listDir(blockDir)) {
        // loop, zram, dm-*, md* have no backing "device"; they are not disks.
        if (!pathExists(dir / "device")) continue;
        if (readFile(dir / "device/type").value_or("0") == "5") continue;  // SCSI optical drive
        if (readFile(dir / "removable").value_or("0") == "1") continue;
        DiskInventory d;
        d.name = dir.filename().string();
        auto sectors = toNumber<std::uint64_t>(readFile(dir / "size").value_or(""));
        d.sizeBytes = sectors.value_or(0) * 512;  // sysfs counts 512-byte sectors whatever the block size
        std::error_code ec;
        std::string link = fs::read_symlink(dir, ec).string();
        d.transport = classifyTransport(link, scsiHostDriver(root, link));
        d.model = readFile(dir / "device/model").value_or("");
        inv.disks.push_back(std::move(d));
    }
}

void readNics(const fs::path& root, Inventory& inv) {
    fs::path netDir = root / "sys/class/net";
    if (!pathExists(netDir)) {
        inv.notes.push_back("no /sys/class/net");
        return;
    }
    for (const auto& dir : listDir(netDir)) {
        if (!pathExists(dir / "device")) continue;  // lo, bridges, veth, tun, bonds
        if (pathExists(dir / "wireless") || pathExists(dir / "phy80211")) continue;
        NicInventory n;
        n.name = dir.filename().string();
        if (auto speed = toNumber<int>(readFile(dir / "speed").value_or("")); speed && *speed > 0) n.speedMbps = speed;
        inv.nics.push_back(std::move(n));
    }
}

void readFc(const fs::path& root, Inventory& inv) {
    for (const auto& dir : listDir(root / "sys/class/fc_host")) {
        FcHostInventory h;
        h.name = dir.filename().string();
        h.maxSpeedGbit = parseFcMaxSpeedGbit(readFile(dir / "supported_speeds").value_or(""));
        if (!h.maxSpeedGbit) h.maxSpeedGbit = parseFcMaxSpeedGbit(readFile(dir / "speed").value_or(""));
        h.portState = readFile(dir / "port_state").value_or("");
        inv.fcHosts.push_back(std::move(h));
    }
}

void readPower(const fs::path& root, Inventory& inv) {
    // Server PSUs are rarely in /sys/class/power_supply; the SMBIOS "System
    // Power Supply" records (type 39) that vendors ship are.
    for (const auto& dir : listDir(root / "sys/firmware/dmi/entries")) {
        if (!dir.filename().string().starts_with("39-")) continue;
        ++inv.power.dmiRecords;
        auto raw = readFile(dir / "raw", true);
        // Byte 0x0E..0x0F: Power Supply Characteristics; bit 1 present, bit 2 unplugged.
        if (!raw || raw->size() < 0x10 || static_cast<unsigned char>((*raw)[0]) != 39) continue;
        unsigned characteristics = static_cast<unsigned char>((*raw)[0x0E]) |
                                   (static_cast<unsigned>(static_cast<unsigned char>((*raw)[0x0F])) << 8);
        bool present = (characteristics & 0x2) != 0;
        bool unplugged = (characteristics & 0x4) != 0;
        if (present && !unplugged) ++inv.power.dmiPresent;
    }
    for (const auto& dir : listDir(root / "sys/class/power_supply")) {
        if (readFile(dir / "type").value_or("") == "Mains" && readFile(dir / "online").value_or("0") == "1") {
            ++inv.power.mainsOnline;
        }
    }
}

}  // namespace

std::string classifyTransport(std::string_view devicePath, std::string_view scsiHostDriver) {
    auto has = [&](std::string_view part) { return devicePath.find(part) != std::string_view::npos; };
    if (has("/usb")) return "usb";
    if (has("/nvme")) return "nvme";
    if (has("/end_device-")) return "sas";  // SAS transport class (mpt3sas, pm80xx, hisi_sas, ...)
    static const std::set<std::string_view> raidDrivers = {"megaraid_sas", "hpsa",    "smartpqi", "aacraid",
                                                           "mpi3mr",       "3w-9xxx", "arcmsr"};
    if (raidDrivers.count(scsiHostDriver)) return "raid";
    if (has("/ata")) return "sata";
    if (has("/virtio")) return "virtio";
    return "other";
}

std::optional<double> parseCacheSizeMiB(std::string_view text) {
    text = trim(text);
    std::size_t digits = 0;
    while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
        ++digits;
    auto number = toDouble(text.substr(0, digits));
    if (!number) return std::nullopt;
    auto unit = trim(text.substr(digits));
    if (unit.empty() || unit == "B") return *number / (1024.0 * 1024.0);
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(unit.front())));
    if (u == 'K') return *number / 1024.0;
    if (u == 'M') return *number;
    if (u == 'G') return *number * 1024.0;
    return std::nullopt;
}

std::optional<int> parseFcMaxSpeedGbit(std::string_view text) {
    static const std::regex speed(R"(([0-9]+)\s*Gbit)");
    std::string s(text);
    std::optional<int> best;
    for (std::sregex_iterator it(s.begin(), s.end(), speed), end; it != end; ++it) {
        int v = std::stoi((*it)[1].str());
        if (!best || v > *best) best = v;
    }
    return best;
}

Inventory readInventory(const fs::path& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw std::runtime_error("root " + root.string() + " is not a directory");
    Inventory inv;
    inv.root = root;
    readCpu(root, inv);
    readMemory(root, inv);
    readDisks(root, inv);
    readNics(root, inv);
    readFc(root, inv);
    readPower(root, inv);
    return inv;
}

}  // namespace medbox::ctl
