#include "HwCheck.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <set>

using namespace medbox::ctl;

namespace {

HwProfile profile(const std::string& body) {
    return parseProfile(R"({"schema": "medbox.hwprofile/1", "name": "p", )" + body + "}", "test");
}

const HwProfile& fullProfile() {
    static const HwProfile p = profile(R"(
  "cpu": {"sockets": {"min": 2, "why": "two"}, "threadsPerSocket": {"min": 8},
          "frequencyMHz": {"min": 2000}, "cachePerSocketMiB": {"min": 12}},
  "memory": {"totalMiB": {"min": 8192, "tolerancePercent": 5}},
  "disks": [{"role": "system", "count": 1, "minSizeGB": 100, "transports": ["sas"], "raidVolumeMinSizeGB": 100}],
  "nics": [{"role": "lan", "count": 1, "minSpeedMbps": 1000}],
  "fcHbas": {"count": 2, "minSpeedGbit": 8},
  "powerSupplies": {"min": 2})");
    return p;
}

// A machine that exactly meets kFull.
Inventory goodMachine() {
    Inventory inv;
    inv.root = "/fixture";
    inv.cpu.logicalCpus = 16;
    inv.cpu.sockets = 2;
    inv.cpu.minThreadsPerSocket = 8;
    inv.cpu.frequencyMHz = 2000;
    inv.cpu.cachePerSocketMiB = 12;
    inv.memTotalKiB = 7782ull * 1024;  // exactly 95 % of 8192 MiB, rounded down
    inv.disks = {{"sda", 100'000'000'000ull, "sas", ""}};
    inv.nics = {{"eth0", 1000}};
    inv.fcHosts = {{"host1", 8, "Online"}, {"host2", 16, "Linkdown"}};
    inv.power.dmiRecords = 2;
    inv.power.dmiPresent = 2;
    return inv;
}

std::set<std::string> failing(const HwReport& r) {
    std::set<std::string> ids;
    for (const auto& c : r.checks) {
        if (!c.ok) ids.insert(c.id);
    }
    return ids;
}

const CheckResult& check(const HwReport& r, const std::string& id) {
    for (const auto& c : r.checks) {
        if (c.id == id) return c;
    }
    throw std::runtime_error("no check " + id);
}

}  // namespace

TEST(HwCheckTest, MachineAtTheMinimumsMatches) {
    auto r = checkHardware(fullProfile(), goodMachine());
    EXPECT_TRUE(r.matches()) << formatReportText(r);
    EXPECT_EQ(r.checks.size(), 9u);
}

TEST(HwCheckTest, EachShortfallIsItsOwnMismatch) {
    struct Case {
        std::string id;
        void (*breakIt)(Inventory&);
    };
    const Case cases[] = {
        {"cpu.sockets", [](Inventory& i) { i.cpu.sockets = 1; }},
        {"cpu.threadsPerSocket", [](Inventory& i) { i.cpu.minThreadsPerSocket = 7; }},
        {"cpu.frequencyMHz", [](Inventory& i) { i.cpu.frequencyMHz = 1999; }},
        {"cpu.frequencyMHz", [](Inventory& i) { i.cpu.frequencyMHz.reset(); }},
        {"cpu.cachePerSocketMiB", [](Inventory& i) { i.cpu.cachePerSocketMiB = 11.9; }},
        {"memory.totalMiB", [](Inventory& i) { i.memTotalKiB = 7781ull * 1024; }},
        {"memory.totalMiB", [](Inventory& i) { i.memTotalKiB.reset(); }},
        {"disks.system", [](Inventory& i) { i.disks[0].sizeBytes = 99'999'999'999ull; }},
        {"disks.system", [](Inventory& i) { i.disks[0].transport = "sata"; }},
        {"nics.lan", [](Inventory& i) { i.nics[0].speedMbps = 100; }},
        {"nics.lan", [](Inventory& i) { i.nics[0].speedMbps.reset(); }},
        {"fcHbas", [](Inventory& i) { i.fcHosts[0].maxSpeedGbit = 4; }},
        {"fcHbas", [](Inventory& i) { i.fcHosts.pop_back(); }},
        {"powerSupplies", [](Inventory& i) { i.power.dmiPresent = 1; }},
    };
    for (const auto& c : cases) {
        Inventory inv = goodMachine();
        c.breakIt(inv);
        auto r = checkHardware(fullProfile(), inv);
        EXPECT_EQ(failing(r), std::set<std::string>{c.id}) << formatReportText(r);
    }
}

TEST(HwCheckTest, UnknownCpuFailsEveryCpuCheck) {
    Inventory inv = goodMachine();
    inv.cpu = CpuInventory{};
    auto r = checkHardware(fullProfile(), inv);
    EXPECT_EQ(failing(r), (std::set<std::string>{"cpu.sockets", "cpu.threadsPerSocket", "cpu.frequencyMHz",
                                                 "cpu.cachePerSocketMiB"}));
    EXPECT_EQ(check(r, "cpu.sockets").found, "unknown");
}

TEST(HwCheckTest, ARaidVolumeStandsInForMirroredDisks) {
    auto p = profile(R"("disks": [{"role": "system", "count": 2, "minSizeGB": 146, "transports": ["sas"],
                                   "raidVolumeMinSizeGB": 146}])");
    Inventory inv;
    inv.disks = {{"sda", 146'800'000'000ull, "raid", "PERC H710"}};
    EXPECT_TRUE(checkHardware(p, inv).matches());
    inv.disks = {{"sda", 146'800'000'000ull, "sas", ""}};  // one disk of a pair is missing
    auto r = checkHardware(p, inv);
    EXPECT_FALSE(r.matches());
    EXPECT_EQ(check(r, "disks.system").found, "1 suitable; disks: sda (sas, 146.8 GB)");
    inv.disks.push_back({"sdb", 146'800'000'000ull, "sas", ""});
    EXPECT_TRUE(checkHardware(p, inv).matches());
}

TEST(HwCheckTest, BigDisksAreNotWastedOnSmallRequirements) {
    auto p = profile(R"("disks": [
        {"role": "system", "count": 1, "minSizeGB": 100, "transports": ["sas"]},
        {"role": "data", "count": 1, "minSizeGB": 1000, "transports": ["sas"]}])");
    Inventory inv;
    inv.disks = {{"sda", 2000'000'000'000ull, "sas", ""}, {"sdb", 150'000'000'000ull, "sas", ""}};
    auto r = checkHardware(p, inv);
    EXPECT_TRUE(r.matches()) << formatReportText(r);
    EXPECT_EQ(check(r, "disks.system").found, "sdb (sas, 150 GB)");
    EXPECT_EQ(check(r, "disks.data").found, "sda (sas, 2000 GB)");
}

TEST(HwCheckTest, FourPortsForFourRoles) {
    auto p = profile(R"("nics": [
        {"role": "dmz", "count": 1, "minSpeedMbps": 1000}, {"role": "lan", "count": 1, "minSpeedMbps": 1000},
        {"role": "mgmt", "count": 1, "minSpeedMbps": 1000}, {"role": "ha", "count": 1, "minSpeedMbps": 1000}])");
    Inventory inv;
    inv.nics = {{"eno1", 1000}, {"eno2", 1000}, {"eno3", 10000}};
    auto r = checkHardware(p, inv);
    EXPECT_EQ(r.mismatches(), 1u);
    EXPECT_EQ(check(r, "nics.ha").found, "0 suitable; no other ports");
    inv.nics.push_back({"eno4", std::nullopt});
    r = checkHardware(p, inv);
    EXPECT_EQ(check(r, "nics.ha").found, "0 suitable; ports: eno4 (speed unknown, no link?)");
    inv.nics.back().speedMbps = 1000;
    EXPECT_TRUE(checkHardware(p, inv).matches());
}

TEST(HwCheckTest, TextReportListsExpectedFoundAndWhy) {
    Inventory inv = goodMachine();
    inv.cpu.sockets = 1;
    auto text = formatReportText(checkHardware(fullProfile(), inv));
    EXPECT_NE(text.find("MISMATCH cpu.sockets: expected >= 2, found 1\n         why: two\n"), std::string::npos)
        << text;
    EXPECT_NE(
        text.find(
            "ok       memory.totalMiB: expected 8192 MiB installed (MemTotal >= 7782 MiB), found MemTotal 7782 MiB\n"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("result: 1 mismatch; the machine does not match profile p\n"), std::string::npos) << text;
}

TEST(HwCheckTest, JsonReport) {
    Inventory inv = goodMachine();
    inv.nics.clear();
    inv.notes.push_back("no /sys/class/net");
    auto json = formatReportJson(checkHardware(fullProfile(), inv));
    Poco::JSON::Parser parser;
    auto obj = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(obj->getValue<std::string>("profile"), "p");
    EXPECT_FALSE(obj->getValue<bool>("matches"));
    EXPECT_EQ(obj->getValue<int>("mismatches"), 1);
    auto checks = obj->getArray("checks");
    ASSERT_EQ(checks->size(), 9u);
    bool sawNic = false;
    for (std::size_t i = 0; i < checks->size(); ++i) {
        auto c = checks->getObject(static_cast<unsigned>(i));
        if (c->getValue<std::string>("id") == "nics.lan") {
            sawNic = true;
            EXPECT_FALSE(c->getValue<bool>("ok"));
            EXPECT_EQ(c->getValue<std::string>("found"), "0 suitable; no other ports");
        }
    }
    EXPECT_TRUE(sawNic);
    EXPECT_EQ(obj->getArray("notes")->getElement<std::string>(0), "no /sys/class/net");
}
