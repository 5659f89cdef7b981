// medbox-setup-helper's verbs against a temporary root (files only, a fake
// medbox-firewall that records its arguments): what each verb writes, and
// that hostile input is refused before anything is written.
#include "SetupHelper.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace medbox::setuphelper;
namespace fs = std::filesystem;

namespace {

class SetupHelperTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/setuphelper-XXXXXX";
        root_ = ::mkdtemp(tmpl);
        opt_.root = root_;
        opt_.live = false;
        opt_.firewall = root_ + "/fake-firewall";
        std::ofstream(opt_.firewall)
            << "#!/bin/sh\necho \"$@\" >> " << root_ << "/firewall.log\n"
            << "[ \"$1\" = apply ] && [ ! -s \"$2\" ] && { echo empty profile >&2; exit 3; }\nexit 0\n";
        ::chmod(opt_.firewall.c_str(), 0755);
    }
    void TearDown() override { fs::remove_all(root_); }

    std::string read(const std::string& rel) {
        std::ifstream in(root_ + "/" + rel);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
    std::string run(const std::string& line) {
        std::ostringstream s;
        handle(opt_, line)->stringify(s);
        return s.str();
    }

    std::string root_;
    Options opt_;
};

}  // namespace

TEST_F(SetupHelperTest, HostnameTimeAndNetworkFiles) {
    EXPECT_EQ(run(R"({"verb":"hostname","hostname":"medbox-01"})"), R"({"ok":true})");
    EXPECT_EQ(read("etc/hostname"), "medbox-01\n");
    EXPECT_EQ(run(R"({"verb":"time","servers":["10.10.2.1","ntp.hospital.local"]})"), R"({"ok":true})");
    EXPECT_NE(read("etc/systemd/timesyncd.conf.d/50-medbox.conf").find("[Time]\nNTP=10.10.2.1 ntp.hospital.local\n"),
              std::string::npos);
    EXPECT_EQ(
        run(R"({"verb":"network-write","interfaces":[)"
            R"({"name":"mgmt0","management":true,"mode":"static","address":"10.10.9.20/24","gateway":"10.10.9.1","dns":["10.10.2.53"]},)"
            R"({"name":"lan0","mode":"dhcp"}]})"),
        R"({"ok":true})");
    const auto mgmt = read("etc/systemd/network/50-medbox-management.network");
    EXPECT_NE(mgmt.find("[Match]\nName=mgmt0\n"), std::string::npos);
    EXPECT_NE(mgmt.find("Address=10.10.9.20/24\nGateway=10.10.9.1\nDNS=10.10.2.53\n"), std::string::npos);
    EXPECT_NE(read("etc/systemd/network/50-medbox-lan0.network").find("DHCP=yes"), std::string::npos);
}

TEST_F(SetupHelperTest, HostileInputIsRefusedBeforeAnythingIsWritten) {
    for (
        const auto* line : {
            R"({"verb":"hostname","hostname":"a\nb"})",
            R"({"verb":"hostname","hostname":"../../etc/passwd"})",
            R"({"verb":"hostname"})",
            R"({"verb":"time","servers":["ntp\n[Time]"]})",
            R"({"verb":"time","servers":[]})",
            R"({"verb":"network-write","interfaces":[{"name":"../x","mode":"dhcp"}]})",
            R"({"verb":"network-write","interfaces":[{"name":"lan0","mode":"static","address":"10.0.0.1/24\nDNS=1.1.1.1"}]})",
            R"({"verb":"network-write","interfaces":[{"name":"lan0","mode":"dhcp"},{"name":"mgmt0","mode":"static","address":"x"}]})",
            R"({"verb":"firewall-apply","profile":{},"confirmSeconds":5})",
            R"({"verb":"rm","path":"/"})",
            "not json",
        }) {
        const auto out = run(line);
        EXPECT_NE(out.find(R"("ok":false)"), std::string::npos) << line << " -> " << out;
    }
    EXPECT_FALSE(fs::exists(root_ + "/etc")) << "nothing may be written for a refused request";
}

TEST_F(SetupHelperTest, FirewallApplyWritesTheProfileAndAsksForConfirmation) {
    EXPECT_EQ(run(R"({"verb":"firewall-apply","profile":{"model":"gap"},"confirmSeconds":60})"), R"({"ok":true})");
    EXPECT_NE(read("etc/medbox/firewall/wizard.json").find(R"("gap")"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(::stat((root_ + "/etc/medbox/firewall/wizard.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(run(R"({"verb":"firewall-confirm"})"), R"({"ok":true})");
    EXPECT_EQ(read("firewall.log"),
              "apply " + root_ + "/etc/medbox/firewall/wizard.json --confirm-within 60\nconfirm\n");
    // A failing medbox-firewall: its message reaches the console.
    opt_.firewall = "/bin/false";
    const auto out = run(R"({"verb":"firewall-confirm"})");
    EXPECT_NE(out.find("false failed"), std::string::npos) << out;
}

TEST_F(SetupHelperTest, Checks) {
    EXPECT_EQ(checkNicName("mgmt0"), "");
    EXPECT_NE(checkNicName("Mgmt0"), "");
    EXPECT_NE(checkNicName("eth0;"), "");
    EXPECT_EQ(checkCidr("fd10::20/64"), "");
    EXPECT_NE(checkCidr("10.0.0.1/40"), "");
    EXPECT_EQ(checkServer("10.10.2.1"), "");
    EXPECT_NE(checkServer("a b"), "");
}

// The firewall page's verbs: the state read from the firewall's own files
// (under the test root: the helper points medbox-firewall there too), the
// dry run's verdict as data, revert.
TEST_F(SetupHelperTest, FirewallPageVerbsReadTheStateAndDryRun) {
    std::ofstream(opt_.firewall)
        << "#!/bin/sh\necho \"$@ state=$MEDBOX_FIREWALL_STATE_DIR run=$MEDBOX_FIREWALL_RUN_DIR\" >> " << root_
        << "/firewall.log\n"
        << "case \"$1\" in\n"
        << "status) echo '{\"comment\":\"medbox model=gap\",\"zones\":[{\"zone\":\"dmz\",\"in\":4,\"out\":0}]}';;\n"
        << "check) grep -q bad \"$2\" && { echo 'nft: syntax error'; exit 2; };;\n"
        << "revert) echo reverted;;\nesac\nexit 0\n";
    // Nothing saved, nothing pending.
    auto out = run(R"({"verb":"firewall-state"})");
    EXPECT_NE(out.find(R"("active":null)"), std::string::npos) << out;
    EXPECT_NE(out.find(R"("pending":null)"), std::string::npos) << out;
    EXPECT_NE(out.find(R"("in":4)"), std::string::npos) << out;

    fs::create_directories(root_ + "/etc/medbox/firewall");
    fs::create_directories(root_ + "/run/medbox-firewall");
    std::ofstream(root_ + "/etc/medbox/firewall/active.json") << R"({"model":"gap"})";
    std::ofstream(root_ + "/run/medbox-firewall/pending.id") << "5e0c 1767225660000\n";
    std::ofstream(root_ + "/run/medbox-firewall/revert.log") << "revert: nothing to do\n";
    out = run(R"({"verb":"firewall-state"})");
    EXPECT_NE(out.find(R"("active":{"model":"gap"})"), std::string::npos) << out;
    EXPECT_NE(out.find(R"("pending":{"deadlineMs":1767225660000,"id":"5e0c"})"), std::string::npos) << out;
    EXPECT_NE(out.find(R"("revertLog":"revert: nothing to do\n")"), std::string::npos) << out;
    EXPECT_NE(out.find(R"("activeModifiedMs":)"), std::string::npos) << out;

    out = run(R"({"verb":"firewall-check","profile":{"model":"frontend"}})");
    EXPECT_NE(out.find(R"("valid":true)"), std::string::npos) << out;
    out = run(R"({"verb":"firewall-check","profile":{"model":"bad"}})");
    EXPECT_NE(out.find(R"("ok":true)"), std::string::npos) << out;
    EXPECT_NE(out.find(R"("valid":false)"), std::string::npos) << out;
    EXPECT_NE(out.find("syntax error"), std::string::npos) << out;
    EXPECT_NE(run(R"({"verb":"firewall-check"})").find(R"("ok":false)"), std::string::npos);
    EXPECT_NE(run(R"({"verb":"firewall-revert"})").find(R"("output":"reverted\n")"), std::string::npos);

    const auto log = read("firewall.log");
    EXPECT_NE(log.find("status --json state=" + root_ + "/etc/medbox/firewall run=" + root_ + "/run/medbox-firewall"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("check " + root_ + "/etc/medbox/firewall/draft.json"), std::string::npos) << log;
    EXPECT_NE(log.find("revert state="), std::string::npos) << log;
}
