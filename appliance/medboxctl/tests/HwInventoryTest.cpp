#include "HwInventory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace medbox::ctl;

namespace {

// A scratch machine tree for one test.
class Tree {
public:
    Tree() {
        std::string pattern = (fs::temp_directory_path() / "hwinv-XXXXXX").string();
        root_ = mkdtemp(pattern.data());
    }
    ~Tree() {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    const fs::path& root() const { return root_; }
    void write(const std::string& rel, const std::string& content) {
        fs::create_directories((root_ / rel).parent_path());
        std::ofstream(root_ / rel, std::ios::binary) << content;
    }
    void link(const std::string& rel, const std::string& target) {
        fs::create_directories((root_ / rel).parent_path());
        fs::create_directory_symlink(target, root_ / rel);
    }
    // A block device as sysfs lays it out: /sys/block/NAME -> ../devices/PATH/block/NAME.
    void disk(const std::string& name, const std::string& devicePath, std::uint64_t sectors, bool withDevice = true,
              const std::string& removable = "0", const std::string& type = "0") {
        std::string dir = "sys/devices/" + devicePath + "/block/" + name;
        write(dir + "/size", std::to_string(sectors) + "\n");
        write(dir + "/removable", removable + "\n");
        if (withDevice) write(dir + "/device/type", type + "\n");
        link("sys/block/" + name, "../devices/" + devicePath + "/block/" + name);
    }

private:
    fs::path root_;
};

std::string processor(int n, int socket, const std::string& model, const std::string& mhz) {
    return "processor\t: " + std::to_string(n) + "\nmodel name\t: " + model + "\ncpu MHz\t\t: " + mhz +
           "\ncache size\t: 512 KB\nphysical id\t: " + std::to_string(socket) + "\n\n";
}

}  // namespace

TEST(HwInventoryTest, CpuTopologyClockAndCache) {
    Tree t;
    std::string cpuinfo;
    // Socket 0 has 3 threads, socket 1 has 2: the smaller one decides.
    int sockets[] = {0, 0, 0, 1, 1};
    for (int i = 0; i < 5; ++i)
        cpuinfo += processor(i, sockets[i], "Intel(R) Xeon(R) CPU E5-2640 0 @ 2.50GHz", "1200.000");
    t.write("proc/cpuinfo", cpuinfo);
    for (int i = 0; i < 5; ++i) {
        std::string dir = "sys/devices/system/cpu/cpu" + std::to_string(i) + "/cache/";
        t.write(dir + "index0/level", "1\n");
        t.write(dir + "index0/type", "Data\n");
        t.write(dir + "index0/size", "32K\n");
        t.write(dir + "index0/shared_cpu_list", std::to_string(i) + "\n");
        t.write(dir + "index1/level", "4\n");  // an instruction cache never counts as last level
        t.write(dir + "index1/type", "Instruction\n");
        t.write(dir + "index1/size", "99M\n");
        t.write(dir + "index1/shared_cpu_list", std::to_string(i) + "\n");
        // Two L3 slices in socket 0 (like an AMD CCX split), one in socket 1.
        t.write(dir + "index3/level", "3\n");
        t.write(dir + "index3/type", "Unified\n");
        t.write(dir + "index3/size", sockets[i] == 0 ? "8192K\n" : "15360K\n");
        t.write(dir + "index3/shared_cpu_list", i < 2 ? "0-1\n" : i == 2 ? "2\n" : "3-4\n");
    }
    auto inv = readInventory(t.root());
    EXPECT_EQ(inv.cpu.logicalCpus, 5);
    EXPECT_EQ(inv.cpu.sockets, 2);
    EXPECT_EQ(inv.cpu.minThreadsPerSocket, 2);
    ASSERT_TRUE(inv.cpu.frequencyMHz);
    EXPECT_DOUBLE_EQ(*inv.cpu.frequencyMHz, 2500);  // model name beats the idle 1200 MHz
    EXPECT_EQ(inv.cpu.frequencySource, "model name");
    ASSERT_TRUE(inv.cpu.cachePerSocketMiB);
    EXPECT_DOUBLE_EQ(*inv.cpu.cachePerSocketMiB, 15);  // socket 1: 15 MiB < socket 0: 2 x 8 MiB
    EXPECT_EQ(inv.cpu.cacheSource, "sysfs L3");

    // cpufreq's base_frequency is preferred to the model name.
    t.write("sys/devices/system/cpu/cpu0/cpufreq/base_frequency", "2400000\n");
    inv = readInventory(t.root());
    EXPECT_DOUBLE_EQ(*inv.cpu.frequencyMHz, 2400);
}

TEST(HwInventoryTest, ClockAndCacheFallBackToCpuinfo) {
    Tree t;
    t.write("proc/cpuinfo", processor(0, 0, "AMD EPYC", "2596.150") + processor(1, 0, "AMD EPYC", "2800.5"));
    auto inv = readInventory(t.root());
    EXPECT_EQ(inv.cpu.sockets, 1);
    EXPECT_EQ(inv.cpu.minThreadsPerSocket, 2);
    EXPECT_DOUBLE_EQ(*inv.cpu.frequencyMHz, 2800.5);
    EXPECT_EQ(inv.cpu.frequencySource, "/proc/cpuinfo cpu MHz (current clock)");
    EXPECT_DOUBLE_EQ(*inv.cpu.cachePerSocketMiB, 0.5);
    EXPECT_EQ(inv.cpu.cacheSource, "/proc/cpuinfo cache size");
}

TEST(HwInventoryTest, MissingFilesAreUnknownAndNoted) {
    Tree t;
    auto inv = readInventory(t.root());
    EXPECT_EQ(inv.cpu.logicalCpus, 0);
    EXPECT_FALSE(inv.memTotalKiB);
    EXPECT_TRUE(inv.disks.empty());
    EXPECT_GE(inv.notes.size(), 3u);
    EXPECT_THROW(readInventory(t.root() / "nonexistent"), std::runtime_error);
}

TEST(HwInventoryTest, Memory) {
    Tree t;
    t.write("proc/meminfo", "MemFree:  100 kB\nMemTotal:       8046420 kB\nSwapTotal: 0 kB\n");
    EXPECT_EQ(readInventory(t.root()).memTotalKiB, 8046420u);
}

TEST(HwInventoryTest, DisksSkipVirtualOpticalAndRemovable) {
    Tree t;
    t.disk("sda", "pci0000:00/0000:00:01.0/0000:02:00.0/host0/port-0:0/end_device-0:0/target0:0:0/0:0:0:0", 286749488);
    t.disk("sdb", "pci0000:00/0000:00:02.0/0000:03:00.0/host1/target1:2:0/1:2:0:0", 585871964);
    t.write("sys/class/scsi_host/host1/proc_name", "megaraid_sas\n");
    t.disk("sdc", "pci0000:00/0000:00:1f.2/ata3/host2/target2:0:0/2:0:0:0", 976773168);
    t.disk("nvme0n1", "pci0000:00/0000:00:03.0/nvme/nvme0", 1000215216);
    t.disk("vda", "pci0000:00/0000:00:04.0/virtio1", 536870912);
    t.disk("sdd", "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0", 60000000, true, "1");
    t.disk("sr0", "pci0000:00/0000:00:1f.2/ata2/host1/target1:0:0/1:0:0:0", 2097151, true, "0", "5");
    t.disk("loop0", "virtual", 2097152, false);
    t.disk("zram0", "virtual", 2097152, false);
    auto inv = readInventory(t.root());
    ASSERT_EQ(inv.disks.size(), 5u);
    std::map<std::string, std::pair<std::string, std::uint64_t>> byName;
    for (const auto& d : inv.disks) byName[d.name] = {d.transport, d.sizeBytes};
    EXPECT_EQ(byName["sda"], std::make_pair(std::string("sas"), std::uint64_t{286749488} * 512));
    EXPECT_EQ(byName["sdb"].first, "raid");
    EXPECT_EQ(byName["sdc"].first, "sata");
    EXPECT_EQ(byName["nvme0n1"].first, "nvme");
    EXPECT_EQ(byName["vda"].first, "virtio");
}

TEST(HwInventoryTest, TransportClassification) {
    EXPECT_EQ(classifyTransport("../devices/pci0000:00/0000:00:14.0/usb2/2-1/host6/target6:0:0/6:0:0:0/block/sdd", ""),
              "usb");
    EXPECT_EQ(classifyTransport("../devices/x/host0/port-0:0/end_device-0:0/target0:0:0/0:0:0:0/block/sda", "mpt3sas"),
              "sas");
    EXPECT_EQ(classifyTransport("../devices/x/host0/target0:2:0/0:2:0:0/block/sda", "hpsa"), "raid");
    EXPECT_EQ(classifyTransport("../devices/x/host0/target0:2:0/0:2:0:0/block/sda", "smartpqi"), "raid");
    EXPECT_EQ(classifyTransport("../devices/x/ata1/host0/target0:0:0/0:0:0:0/block/sda", "ahci"), "sata");
    EXPECT_EQ(classifyTransport("../devices/x/host0/target0:0:0/0:0:0:0/block/sda", "iscsi_tcp"), "other");
    EXPECT_EQ(classifyTransport("", ""), "other");
}

TEST(HwInventoryTest, NicsArePhysicalPortsWithSpeed) {
    Tree t;
    t.write("sys/class/net/eth0/device/vendor", "0x8086\n");
    t.write("sys/class/net/eth0/speed", "1000\n");
    t.write("sys/class/net/eth1/device/vendor", "0x8086\n");
    t.write("sys/class/net/eth1/speed", "-1\n");              // link down
    t.write("sys/class/net/eth2/device/vendor", "0x8086\n");  // speed unreadable (EINVAL)
    t.write("sys/class/net/lo/speed", "0\n");
    t.write("sys/class/net/br0/speed", "10000\n");
    t.write("sys/class/net/wlan0/device/vendor", "0x8086\n");
    t.write("sys/class/net/wlan0/wireless/x", "");
    auto inv = readInventory(t.root());
    ASSERT_EQ(inv.nics.size(), 3u);
    EXPECT_EQ(inv.nics[0].name, "eth0");
    EXPECT_EQ(inv.nics[0].speedMbps, 1000);
    EXPECT_FALSE(inv.nics[1].speedMbps);
    EXPECT_FALSE(inv.nics[2].speedMbps);
}

TEST(HwInventoryTest, FcHostsAndSpeeds) {
    Tree t;
    t.write("sys/class/fc_host/host1/supported_speeds", "2 Gbit, 4 Gbit, 8 Gbit\n");
    t.write("sys/class/fc_host/host1/port_state", "Online\n");
    t.write("sys/class/fc_host/host2/speed", "16 Gbit\n");
    auto inv = readInventory(t.root());
    ASSERT_EQ(inv.fcHosts.size(), 2u);
    EXPECT_EQ(inv.fcHosts[0].maxSpeedGbit, 8);
    EXPECT_EQ(inv.fcHosts[0].portState, "Online");
    EXPECT_EQ(inv.fcHosts[1].maxSpeedGbit, 16);
    EXPECT_EQ(parseFcMaxSpeedGbit("unknown"), std::nullopt);
    EXPECT_EQ(parseFcMaxSpeedGbit("1 Gbit, 10 Gbit, 2 Gbit"), 10);
}

TEST(HwInventoryTest, PowerSuppliesFromSmbiosAndPowerSupplyClass) {
    Tree t;
    auto psu = [&](const std::string& entry, unsigned char characteristics) {
        std::string raw(24, '\0');
        raw[0] = 39;
        raw[1] = 0x16;
        raw[0x0E] = static_cast<char>(characteristics);
        t.write("sys/firmware/dmi/entries/" + entry + "/raw", raw);
    };
    psu("39-0", 0x03);                                                         // present
    psu("39-1", 0x07);                                                         // present, unplugged
    psu("39-2", 0x01);                                                         // bay empty
    t.write("sys/firmware/dmi/entries/39-3/raw", std::string("\x27\x16", 2));  // truncated
    t.write("sys/firmware/dmi/entries/17-0/raw", std::string(24, '\x02'));     // not a PSU record
    auto inv = readInventory(t.root());
    EXPECT_EQ(inv.power.dmiRecords, 4);
    EXPECT_EQ(inv.power.dmiPresent, 1);
    EXPECT_EQ(inv.power.working(), 1);

    t.write("sys/class/power_supply/PSU1/type", "Mains\n");
    t.write("sys/class/power_supply/PSU1/online", "1\n");
    t.write("sys/class/power_supply/PSU2/type", "Mains\n");
    t.write("sys/class/power_supply/PSU2/online", "1\n");
    t.write("sys/class/power_supply/BAT0/type", "Battery\n");
    t.write("sys/class/power_supply/BAT0/online", "1\n");
    inv = readInventory(t.root());
    EXPECT_EQ(inv.power.mainsOnline, 2);
    EXPECT_EQ(inv.power.working(), 2);
}

TEST(HwInventoryTest, CacheSizeParsing) {
    EXPECT_EQ(parseCacheSizeMiB("32768K"), 32.0);
    EXPECT_EQ(parseCacheSizeMiB("1024 KB"), 1.0);
    EXPECT_EQ(parseCacheSizeMiB("2M"), 2.0);
    EXPECT_EQ(parseCacheSizeMiB("1G"), 1024.0);
    EXPECT_EQ(parseCacheSizeMiB("lots"), std::nullopt);
    EXPECT_EQ(parseCacheSizeMiB("12Q"), std::nullopt);
}
