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
