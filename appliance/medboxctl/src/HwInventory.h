#pragma once
// What a machine has, read from procfs and sysfs below a root directory
// ("/" for the running machine, a fixture tree in tests). Only files are
// read, nothing is executed, so the same code runs on the appliance, in CI
// and against fixtures. Anything unreadable is left unknown (and noted), never
// guessed. Plain data.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::ctl {

struct CpuInventory {
    int logicalCpus = 0;
    int sockets = 0;
    int minThreadsPerSocket = 0;         // the smallest socket decides
    std::optional<double> frequencyMHz;  // nominal clock when known
    std::string frequencySource;
    std::optional<double> cachePerSocketMiB;  // last-level cache per socket (smallest socket)
    std::string cacheSource;
    std::string model;
};

struct DiskInventory {
    std::string name;
    std::uint64_t sizeBytes = 0;
    std::string transport;  // sas, sata, nvme, raid, virtio, usb, other
    std::string model;
};

struct NicInventory {
    std::string name;
    std::optional<int> speedMbps;  // unknown when the link is down
};

struct FcHostInventory {
    std::string name;
    std::optional<int> maxSpeedGbit;  // highest supported speed
    std::string portState;
};

struct PowerInventory {
    int dmiRecords = 0;   // SMBIOS type 39 (System Power Supply) records
    int dmiPresent = 0;   // ... that say "present" and are not unplugged
    int mainsOnline = 0;  // /sys/class/power_supply of type Mains, online
    int working() const { return dmiPresent > mainsOnline ? dmiPresent : mainsOnline; }
};

struct Inventory {
    std::filesystem::path root;
    CpuInventory cpu;
    std::optional<std::uint64_t> memTotalKiB;
    std::vector<DiskInventory> disks;  // physical disks and RAID volumes; no loop/zram/dm/optical/removable
    std::vector<NicInventory> nics;    // ports backed by a device; no lo/bridges/veth/tun
    std::vector<FcHostInventory> fcHosts;
    PowerInventory power;
    std::vector<std::string> notes;  // what could not be read
};

// Throws std::runtime_error when root is not a directory.
Inventory readInventory(const std::filesystem::path& root);

// Disk transport from the /sys/block/NAME link target (the device path) and
// the SCSI host driver name, when known. Exposed for tests.
std::string classifyTransport(std::string_view devicePath, std::string_view scsiHostDriver);

// "32768K" / "1024 KB" / "2M" -> MiB. Exposed for tests.
std::optional<double> parseCacheSizeMiB(std::string_view text);

// Highest speed in "1 Gbit, 2 Gbit, 4 Gbit, 8 Gbit" or "16 Gbit". Exposed for tests.
std::optional<int> parseFcMaxSpeedGbit(std::string_view text);

}  // namespace medbox::ctl
