// medboxctl end to end through run(): argument handling, exit codes, the
// refusals that must happen before any bus is contacted, the no-bus error,
// and hw check against the fixture machines.
#include "Cli.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

using namespace medbox::ctl;

namespace {

struct Result {
    int code;
    std::string out;
    std::string err;
};

Result runCli(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    int code = run(args, out, err);
    return {code, out.str(), err.str()};
}

// Every test runs as if on a machine with no system bus, whatever the host
// has, so "refused" (3) versus "no bus" (4) shows what was checked first.
class CliTest : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/medboxctl-test/bus", 1);
        setenv("MEDBOX_HWPROFILES_DIR", MEDBOX_HWPROFILES_SRC, 1);
    }
    void TearDown() override {
        unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
        unsetenv("MEDBOX_HWPROFILES_DIR");
    }
};

std::set<std::string> mismatchIds(const std::string& text) {
    std::set<std::string> ids;
    std::regex line(R"((^|\n)MISMATCH ([^:]+):)");
    for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it) ids.insert((*it)[2].str());
    return ids;
}

const std::string kFixtures = MEDBOXCTL_FIXTURES;

}  // namespace

TEST_F(CliTest, HelpAndUsageErrors) {
    auto help = runCli({"--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("Exit codes:"), std::string::npos);

    for (const auto& args :
         std::vector<std::vector<std::string>>{{},
                                               {"frobnicate"},
                                               {"start"},
                                               {"stop", "a", "b"},
                                               {"status", "a", "b"},
                                               {"status", "--lines", "x"},
                                               {"status", "--lines", "10001"},
                                               {"status", "--bogus"},
                                               {"restart", "demo", "--timeout", "0"},
                                               {"enable", "demo", "--timeout", "5"},
                                               {"hw"},
                                               {"hw", "show"},
                                               {"hw", "check"},
                                               {"hw", "check", "--profile"},
                                               {"hw", "check", "--profile", "application", "extra"}}) {
        auto r = runCli(args);
        EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args) << r.err;
        EXPECT_NE(r.err.find("usage: medboxctl"), std::string::npos);
    }
}

TEST_F(CliTest, RefusesNonMedboxUnitsBeforeTouchingTheBus) {
    for (const char* verb : {"status", "start", "stop", "restart", "enable", "disable"}) {
        for (const char* unit : {"systemd-journald.service", "ssh.service", "../../etc/passwd", "medbox-x.socket",
                                 "medbox-*.service", "booking.service"}) {
            auto r = runCli({verb, unit});
            EXPECT_EQ(r.code, 3) << verb << " " << unit << ": " << r.err;
            EXPECT_NE(r.err.find("is not a medbox unit"), std::string::npos) << r.err;
            EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "printed once: " << r.err;
        }
    }
}

TEST_F(CliTest, HostileNamesAreNotEchoedRaw) {
    auto r = runCli({"stop", "\x1b]2;owned\x07.service"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
}

TEST_F(CliTest, NoSystemBusIsExitFourWithAClearMessage) {
    for (const auto& args : std::vector<std::vector<std::string>>{{"status"},
                                                                  {"status", "booking"},
                                                                  {"start", "booking"},
                                                                  {"stop", "medbox-booking.service"},
                                                                  {"restart", "medbox-backup.timer"},
                                                                  {"enable", "booking"},
                                                                  {"disable", "booking"}}) {
        auto r = runCli(args);
        EXPECT_EQ(r.code, 4) << ::testing::PrintToString(args);
        EXPECT_NE(r.err.find(
                      "medboxctl: cannot connect to the system bus at unix:path=/nonexistent/medboxctl-test/bus"),
                  std::string::npos)
            << r.err;
        EXPECT_TRUE(r.out.empty());
    }
}

TEST_F(CliTest, HwCheckMatchingFixture) {
    auto r = runCli({"hw", "check", "--profile", "application", "--root", kFixtures + "/application-match"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(mismatchIds(r.out).empty()) << r.out;
    // Every check the profile defines was made.
    for (const char* id : {"cpu.sockets", "cpu.threadsPerSocket", "cpu.frequencyMHz", "cpu.cachePerSocketMiB",
                           "memory.totalMiB", "disks.system", "nics.lan", "fcHbas", "powerSupplies"}) {
        EXPECT_NE(r.out.find(std::string("ok       ") + id + ":"), std::string::npos) << id << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("found sda (sas, 146.8 GB, ST9146853SS)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("result: the machine matches profile application"), std::string::npos);
}

TEST_F(CliTest, HwCheckMismatchingFixtureListsEveryMismatch) {
    auto r = runCli({"hw", "check", "--profile", "application", "--root", kFixtures + "/application-mismatch"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(mismatchIds(r.out),
              (std::set<std::string>{"cpu.sockets", "cpu.threadsPerSocket", "cpu.cachePerSocketMiB", "memory.totalMiB",
                                     "disks.system", "nics.lan", "fcHbas", "powerSupplies"}))
        << r.out;
    EXPECT_NE(r.out.find("ok       cpu.frequencyMHz: expected >= 2000 MHz, found 3100 MHz (model name)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(
        r.out.find(
            "MISMATCH memory.totalMiB: expected 8192 MiB installed (MemTotal >= 7782 MiB), found MemTotal 3871 MiB"),
        std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find(
                  "MISMATCH disks.system: expected 1 x sas disk >= 100 GB (or one hardware-RAID volume >= 100 GB), "
                  "found 0 suitable; disks: sda (sata, 500.1 GB, WDC WD5003ABYZ)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(
        r.out.find(
            "MISMATCH nics.lan: expected 1 port >= 1000 Mb/s with link, found 0 suitable; ports: eth0 (100 Mb/s)"),
        std::string::npos)
        << r.out;
    EXPECT_NE(
        r.out.find(
            "MISMATCH fcHbas: expected 2 FC ports supporting >= 8 Gbit, found 0 suitable: host3 (4 Gbit, Online)"),
        std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("MISMATCH powerSupplies: expected >= 2, found 1 (SMBIOS power supply records 2, present 1"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("result: 8 mismatches; the machine does not match profile application"), std::string::npos);
}

TEST_F(CliTest, HwCheckJsonAndProfileByFile) {
    auto r = runCli({"hw", "check", "--json", "--root=" + kFixtures + "/application-mismatch",
                     "--profile=" MEDBOX_HWPROFILES_SRC "/application.json"});
    EXPECT_EQ(r.code, 1);
    Poco::JSON::Parser parser;
    auto obj = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(obj->getValue<int>("mismatches"), 8);
    EXPECT_EQ(obj->getValue<std::string>("root"), kFixtures + "/application-mismatch");
}

TEST_F(CliTest, HwCheckOtherProfilesAgainstTheSameMachine) {
    // The matching application server is too small for the database role.
    auto r = runCli({"hw", "check", "--profile", "database", "--root", kFixtures + "/application-match"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(mismatchIds(r.out), (std::set<std::string>{"cpu.sockets", "cpu.threadsPerSocket", "cpu.cachePerSocketMiB",
                                                         "memory.totalMiB"}))
        << r.out;
}

TEST_F(CliTest, HwCheckBadInputIsExitSeven) {
    auto r = runCli({"hw", "check", "--profile", "nosuch", "--root", kFixtures + "/application-match"});
    EXPECT_EQ(r.code, 7);
    EXPECT_NE(r.err.find("no profile named \"nosuch\""), std::string::npos) << r.err;
    r = runCli({"hw", "check", "--profile", "application", "--root", "/nonexistent/root"});
    EXPECT_EQ(r.code, 7);
    EXPECT_NE(r.err.find("root /nonexistent/root is not a directory"), std::string::npos) << r.err;
    r = runCli({"hw", "check", "--profile", kFixtures + "/application-match/proc/meminfo"});
    EXPECT_EQ(r.code, 7);
    EXPECT_NE(r.err.find("not valid JSON"), std::string::npos) << r.err;
}
