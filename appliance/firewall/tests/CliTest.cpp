#include "Cli.h"
#include "Nft.h"
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace medbox::firewall {
namespace {

using test::cli;

const char* kBadProfile = R"({"model": "frontend", "interfaces": {"dmz": "dmz0", "lan": "lan0",
    "management": "mgmt0"}, "lan": {"peers": [{"name": "his", "address": "10.10.2.300"}]},
    "management": {"admin_subnets": ["10.10.9.0/24"]}})";

TEST(CliTest, UsageErrors) {
    EXPECT_EQ(cli({}).rc, kExitUsage);
    EXPECT_EQ(cli({"frobnicate"}).rc, kExitUsage);
    EXPECT_EQ(cli({"apply"}).rc, kExitUsage);
    EXPECT_EQ(cli({"window", "open", "10.8.0.0/24"}).rc, kExitUsage);
    EXPECT_EQ(cli({"window", "open", "10.8.0.0/24", "--days", "1"}).rc, kExitUsage);
    EXPECT_EQ(cli({"help"}).rc, kExitOk);
}

TEST(CliTest, RenderPrintsTheRulesetWithoutPrivileges) {
    const auto run = cli({"render", test::examplePath("frontend.json")});
    EXPECT_EQ(run.rc, kExitOk) << run.err;
    EXPECT_EQ(run.out.rfind("add table inet medbox\ndelete table inet medbox\n", 0), 0u) << run.out;
    EXPECT_NE(run.out.find("table inet medbox {"), std::string::npos);
}

TEST(CliTest, BadProfileIsRefusedWithItsKeyPath) {
    test::TempFile file(kBadProfile);
    for (const auto* command : {"render", "check", "apply"}) {
        const auto run = cli({command, file.path()});
        EXPECT_EQ(run.rc, kExitRefused) << command;
        EXPECT_NE(run.err.find("lan.peers[0].address:"), std::string::npos) << run.err;
        EXPECT_NE(run.err.find("nothing changed"), std::string::npos) << run.err;
        EXPECT_EQ(run.out, "");
    }
}

// Issue 11: a profile naming NICs the machine lacks (the shipped examples
// once named enp1s0f0, eno1, ...) was applied and then dropped everything,
// SSH included. Refused before nftables is touched, so no privileges needed.
TEST(CliTest, ApplyRefusesInterfacesThatDoNotExist) {
    std::string profile = test::readFile(test::examplePath("frontend.json"));
    for (const auto* nic : {"\"dmz0\"", "\"lan0\"", "\"mgmt0\"", "\"ha0\""}) {
        const auto at = profile.find(nic);
        ASSERT_NE(at, std::string::npos) << nic;
        profile.replace(at + 1, 0, "mbx-");  // "dmz0" -> "mbx-dmz0": no such NIC here
    }
    test::TempFile file(profile);
    const auto run = cli({"apply", file.path()});
    EXPECT_EQ(run.rc, kExitRefused) << run.err;
    EXPECT_NE(run.err.find("interfaces.dmz: no network interface \"mbx-dmz0\""), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("interfaces.management: no network interface \"mbx-mgmt0\""), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("interfaces.vendor"), std::string::npos) << "WireGuard makes wg0 later: " << run.err;
    EXPECT_NE(run.err.find("nothing changed"), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(cli({"apply", file.path(), "--forse"}).rc, kExitUsage);
}

TEST(CliTest, WindowLengthIsBounded) {
    for (const auto& hours : {"0", "73", "-1", "2x", ""}) {
        const auto run = cli({"window", "open", "10.8.0.0/24", "--hours", hours});
        EXPECT_EQ(run.rc, kExitRefused) << hours;
        EXPECT_NE(run.err.find("--hours must be a whole number from 1 up to 72"), std::string::npos) << run.err;
    }
    EXPECT_EQ(cli({"window", "open", "10.8.0.0/24", "--seconds", "259201"}).rc, kExitRefused);
    const auto hostBits = cli({"window", "open", "10.8.0.7/24", "--hours", "2"});
    EXPECT_EQ(hostBits.rc, kExitRefused);
    EXPECT_NE(hostBits.err.find("did you mean 10.8.0.0/24"), std::string::npos);
}

class CliNftTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::enterPrivateNetns()) GTEST_SKIP() << "needs root to create a private network namespace";
        ASSERT_TRUE(Nft().run("flush ruleset").ok);
        // apply saves the profile: never into this machine's /etc.
        std::string pattern = (std::filesystem::temp_directory_path() / "medbox-fw-state-XXXXXX").string();
        dir_ = ::mkdtemp(pattern.data());
        ::setenv("MEDBOX_FIREWALL_STATE_DIR", (dir_ / "etc").c_str(), 1);
        ::setenv("MEDBOX_FIREWALL_RUN_DIR", (dir_ / "run").c_str(), 1);
    }
    void TearDown() override {
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    std::filesystem::path dir_;
};

TEST_F(CliNftTest, StatusAndWindowsNeedARunningProfile) {
    EXPECT_EQ(cli({"status"}).rc, kExitNoProfile);
    EXPECT_EQ(cli({"window", "open", "10.8.0.0/24", "--hours", "2"}).rc, kExitNoProfile);
}

// The private namespace has none of the examples' NICs: --force (refused
// without it, ApplyRefusesInterfacesThatDoNotExist).
TEST_F(CliNftTest, ApplyThenWindowsThenStatus) {
    const auto apply = cli({"apply", test::examplePath("frontend.json"), "--force"});
    ASSERT_EQ(apply.rc, kExitOk) << apply.err;

    auto status = cli({"status"});
    ASSERT_EQ(status.rc, kExitOk) << status.err;
    EXPECT_NE(status.out.find("profile: medbox model=frontend sha256="), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("vendor windows: none open"), std::string::npos) << status.out;

    ASSERT_EQ(cli({"window", "open", "10.8.0.0/24", "--hours", "2"}).rc, kExitOk);
    ASSERT_EQ(cli({"window", "open", "fd08::/64", "--seconds", "90"}).rc, kExitOk);
    status = cli({"status"});
    EXPECT_NE(status.out.find("10.8.0.0/24  closes in "), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("(opened for 2h0m0s)"), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("fd08::/64  closes in "), std::string::npos) << status.out;
    EXPECT_NE(status.out.find("(opened for 1m30s)"), std::string::npos) << status.out;

    // Re-opening extends the window instead of failing.
    ASSERT_EQ(cli({"window", "open", "10.8.0.0/24", "--hours", "4"}).rc, kExitOk);
    EXPECT_NE(cli({"status"}).out.find("(opened for 4h0m0s)"), std::string::npos);

    ASSERT_EQ(cli({"window", "close", "10.8.0.0/24"}).rc, kExitOk);
    status = cli({"status"});
    EXPECT_EQ(status.out.find("10.8.0.0/24"), std::string::npos) << status.out;
    EXPECT_EQ(cli({"window", "close", "10.8.0.0/24"}).rc, kExitNftables);  // no longer open
}

TEST_F(CliNftTest, RefusedApplyKeepsTheRunningProfile) {
    ASSERT_EQ(cli({"apply", test::examplePath("gap.json"), "--force"}).rc, kExitOk);
    const auto before = Nft().run("list ruleset").output;
    test::TempFile bad(kBadProfile);
    EXPECT_EQ(cli({"apply", bad.path()}).rc, kExitRefused);
    EXPECT_EQ(Nft().run("list ruleset").output, before);
}

}  // namespace
}  // namespace medbox::firewall
