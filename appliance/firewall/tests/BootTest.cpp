#include "Cli.h"
#include "Nft.h"
#include "TestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace medbox::firewall {
namespace {

namespace fs = std::filesystem;

using test::cli;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// boot, apply's saved profile and the pending-change bookkeeping, against
// real nftables in a private network namespace, with the state folders in
// a temporary folder (MEDBOX_FIREWALL_STATE_DIR / _RUN_DIR). The timed
// revert itself is checked by firewall_netns (it needs the real binary).
class BootTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::enterPrivateNetns()) GTEST_SKIP() << "needs root to create a private network namespace";
        ASSERT_TRUE(Nft().run("flush ruleset").ok);
        std::string pattern = (fs::temp_directory_path() / "medbox-fw-state-XXXXXX").string();
        dir_ = ::mkdtemp(pattern.data());
        ::setenv("MEDBOX_FIREWALL_STATE_DIR", (dir_ / "etc").c_str(), 1);
        ::setenv("MEDBOX_FIREWALL_RUN_DIR", (dir_ / "run").c_str(), 1);
        ::unsetenv("JOURNAL_STREAM");
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
        ::unsetenv("MEDBOX_FIREWALL_STATE_DIR");
        ::unsetenv("MEDBOX_FIREWALL_RUN_DIR");
    }
    std::string comment() { return Nft().run("list table inet medbox").output; }
    void saveActive(const std::string& text) {
        fs::create_directories(dir_ / "etc");
        std::ofstream(dir_ / "etc/active.json") << text;
    }

    fs::path dir_;
};

TEST_F(BootTest, WithoutASavedProfileTheDefaultBootProfileLoads) {
    const auto run = cli({"boot", "--management", "lan0"});
    ASSERT_EQ(run.rc, kExitOk) << run.err;
    EXPECT_TRUE(contains(run.out, "no saved profile")) << run.out;
    EXPECT_TRUE(contains(comment(), "medbox model=boot management=lan0"));
    EXPECT_TRUE(contains(comment(), "iifname \"lan0\" jump management_in"));
}

// veth NICs stand in for the profile's; apply saves it, boot loads it.
TEST_F(BootTest, AppliedProfileIsSavedAndLoadedAtBoot) {
    const std::string profile = R"({"model": "gap", "interfaces": {"dmz": "t-dmz0", "gap": "t-gap0",
        "management": "t-mgmt0"}, "gap": {"device": "10.20.0.5", "tcp": [2575]},
        "management": {"admin_subnets": ["10.10.9.0/24"]}})";
    for (const auto* nic : {"t-dmz0", "t-gap0", "t-mgmt0"})
        ASSERT_EQ(std::system(("ip link add " + std::string(nic) + " type veth peer name " + nic + "p").c_str()), 0)
            << nic;
    test::TempFile file(profile);
    const auto apply = cli({"apply", file.path()});
    ASSERT_EQ(apply.rc, kExitOk) << apply.err;
    EXPECT_TRUE(contains(apply.out, "saved as " + (dir_ / "etc/active.json").string())) << apply.out;
    EXPECT_EQ(test::readFile(dir_ / "etc/active.json"), profile);

    ASSERT_TRUE(Nft().run("flush ruleset").ok);
    auto boot = cli({"boot", "--management", "t-mgmt0"});
    ASSERT_EQ(boot.rc, kExitOk) << boot.err;
    EXPECT_TRUE(contains(boot.out, "loaded the saved profile")) << boot.out;
    EXPECT_TRUE(contains(comment(), "medbox model=gap sha256=")) << comment();

    // A NIC gone (replaced hardware): boot waits for it, then falls back.
    ASSERT_EQ(std::system("ip link del t-gap0"), 0);
    boot = cli({"boot", "--management", "t-mgmt0", "--wait-interfaces", "1"});
    ASSERT_EQ(boot.rc, kExitOk) << boot.err;
    EXPECT_TRUE(contains(boot.err, "interfaces.gap: no network interface \"t-gap0\"")) << boot.err;
    EXPECT_TRUE(contains(boot.err, "loading the default boot profile")) << boot.err;
    EXPECT_TRUE(contains(comment(), "medbox model=boot management=t-mgmt0"));
    EXPECT_EQ(std::system("ip link del t-dmz0 && ip link del t-mgmt0"), 0);
}

TEST_F(BootTest, ADamagedSavedProfileFallsBackToTheDefaultAndSaysWhy) {
    saveActive("{\"model\": \"frontend\", ");
    ::setenv("JOURNAL_STREAM", "8:1234", 1);  // as under systemd: journal priorities
    const auto run = cli({"boot", "--management", "lan0"});
    ::unsetenv("JOURNAL_STREAM");
    ASSERT_EQ(run.rc, kExitOk) << run.err;
    EXPECT_TRUE(contains(run.err, "<3>" + (dir_ / "etc/active.json").string() + ": refused")) << run.err;
    EXPECT_TRUE(contains(run.err, "<3>boot: the saved profile was not loaded")) << run.err;
    EXPECT_TRUE(contains(comment(), "medbox model=boot management=lan0"));
}

TEST_F(BootTest, BootNeedsAValidManagementNicName) {
    ::unsetenv("MEDBOX_MANAGEMENT_NIC");
    EXPECT_EQ(cli({"boot"}).rc, kExitUsage);
    EXPECT_EQ(cli({"boot", "--management", "bad name"}).rc, kExitUsage);
    EXPECT_EQ(cli({"boot", "--management", "lan0", "--wait-interfaces", "x"}).rc, kExitUsage);
    EXPECT_EQ(Nft().run("list table inet medbox").ok, false) << "nothing loaded";
}

TEST_F(BootTest, ConfirmAndRevertNeedAPendingChange) {
    EXPECT_EQ(cli({"confirm"}).rc, kExitNotPending);
    EXPECT_EQ(cli({"revert"}).rc, kExitNotPending);
    const auto waiter = cli({"revert", "--id", "0123456789abcdef"});
    EXPECT_EQ(waiter.rc, kExitOk) << "a scheduled revert of a confirmed change does nothing";
    EXPECT_TRUE(contains(waiter.out, "nothing to do")) << waiter.out;
    for (const auto& seconds : {"0", "3601", "x", "-5"}) {
        const auto run = cli({"apply", test::examplePath("gap.json"), "--force", "--confirm-within", seconds});
        EXPECT_EQ(run.rc, kExitRefused) << seconds;
        EXPECT_TRUE(contains(run.err, "--confirm-within must be a whole number")) << run.err;
    }
}

TEST_F(BootTest, NothingIsAppliedWhileAChangeWaitsForConfirmation) {
    fs::create_directories(dir_ / "run");
    std::ofstream(dir_ / "run/pending.id") << "0123456789abcdef 99999999999999\n";
    const auto run = cli({"apply", test::examplePath("gap.json"), "--force"});
    EXPECT_EQ(run.rc, kExitRefused);
    EXPECT_TRUE(contains(run.err, "waits for its confirmation")) << run.err;
    EXPECT_FALSE(Nft().run("list table inet medbox").ok);
}

}  // namespace
}  // namespace medbox::firewall
