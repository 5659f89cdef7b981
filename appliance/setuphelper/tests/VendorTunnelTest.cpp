// The vendor-* verbs without a tunnel: key pair made once with the right
// mode and a public key `wg pubkey` agrees with (when wg is installed),
// hostile arguments refused before anything runs, and the order of the
// commands open and close run (fake ip, wg and medbox-firewall that record
// their arguments). The real tunnel: tests/appliance/vendor_wireguard_netns.sh.
#include "SetupHelper.h"
#include "VendorTunnel.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace medbox::setuphelper;
namespace fs = std::filesystem;

namespace {

class VendorTunnelTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/vendortunnel-XXXXXX";
        root_ = ::mkdtemp(tmpl);
        opt_.root = root_;
        for (auto* prog : {&opt_.firewall, &opt_.ip, &opt_.wg}) {
            const auto name = fs::path(*prog).filename().string();
            *prog = root_ + "/fake-" + name;
            std::ofstream(*prog) << "#!/bin/sh\necho \"" << name << " $*\" >> " << root_ << "/commands.log\n"
                                 << "[ -e " << root_ << "/fail-" << name << " ] && { echo refused >&2; exit 2; }\n"
                                 << "exit 0\n";
            ::chmod(prog->c_str(), 0755);
        }
        opt_.wireguardGo = root_ + "/no-wireguard-go";
    }
    void TearDown() override { fs::remove_all(root_); }

    Poco::JSON::Object::Ptr call(const std::string& line) { return handle(opt_, line); }
    std::string log() {
        std::ifstream in(root_ + "/commands.log");
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::string root_;
    Options opt_;
};

const std::string kPeer = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
const std::string kOpen =
    R"({"verb":"vendor-open","interface":"wgtest9","address":"10.8.0.1/24","listenPort":51820,"peerKey":")" + kPeer +
    R"(","peerAddress":"10.8.0.2","seconds":600})";

}  // namespace

TEST(WireGuardKeyTest, OnlyBase64Of32BytesPasses) {
    EXPECT_EQ(checkWireGuardKey(kPeer), "");
    EXPECT_NE(checkWireGuardKey(""), "");
    EXPECT_NE(checkWireGuardKey(kPeer.substr(0, 43)), "");                  // no padding
    EXPECT_NE(checkWireGuardKey(kPeer.substr(0, 42) + "h="), "");           // 'h' carries bits past 32 bytes
    EXPECT_NE(checkWireGuardKey("AAAA" + kPeer.substr(4, 39) + "=="), "");  // 31 bytes
    EXPECT_NE(checkWireGuardKey(kPeer.substr(0, 10) + "!" + kPeer.substr(11)), "");
    EXPECT_NE(checkWireGuardKey(kPeer + "\n"), "");
}

TEST(WireGuardKeyTest, PublicKeyIsX25519OfThePrivateKey) {
    // RFC 7748 §6.1: Alice's private and public key.
    const std::string alicePrivate = "dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=";
    EXPECT_EQ(publicKeyOf(alicePrivate), "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=");
    const auto pair = makeKeyPair();
    EXPECT_EQ(checkWireGuardKey(pair.privateKey), "");
    EXPECT_EQ(publicKeyOf(pair.privateKey), pair.publicKey);
    EXPECT_NE(makeKeyPair().privateKey, pair.privateKey);
}

TEST_F(VendorTunnelTest, KeyIsMadeOnceAndReadableByItsOwnerOnly) {
    const auto first = call(R"({"verb":"vendor-key"})");
    ASSERT_TRUE(first->getValue<bool>("ok"));
    const auto pub = first->getValue<std::string>("publicKey");
    EXPECT_EQ(checkWireGuardKey(pub), "");
    EXPECT_EQ(call(R"({"verb":"vendor-key"})")->getValue<std::string>("publicKey"), pub);
    struct stat st {};
    ASSERT_EQ(::stat((root_ + "/etc/medbox/vendor/wireguard.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((root_ + "/etc/medbox/vendor").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    // The answer carries the public key only.
    std::ifstream in(root_ + "/etc/medbox/vendor/wireguard.key");
    std::string priv;
    in >> priv;
    EXPECT_EQ(publicKeyOf(priv), pub);
    EXPECT_FALSE(first->has("privateKey"));
    // What `wg pubkey` says, where wireguard-tools is installed.
    if (::access("/usr/bin/wg", X_OK) == 0) {
        const auto cmd = "/usr/bin/wg pubkey < " + root_ + "/etc/medbox/vendor/wireguard.key";
        FILE* p = ::popen(cmd.c_str(), "r");
        char buf[64] = {};
        ASSERT_NE(p, nullptr);
        ASSERT_NE(std::fgets(buf, sizeof buf, p), nullptr);
        ::pclose(p);
        EXPECT_EQ(std::string(buf), pub + "\n");
    }
}

TEST_F(VendorTunnelTest, DamagedKeyFileIsNotReplacedSilently) {
    fs::create_directories(root_ + "/etc/medbox/vendor");
    std::ofstream(root_ + "/etc/medbox/vendor/wireguard.key") << "garbage\n";
    const auto answer = call(R"({"verb":"vendor-key"})");
    EXPECT_FALSE(answer->getValue<bool>("ok"));
    EXPECT_NE(answer->getValue<std::string>("error").find("damaged"), std::string::npos);
}

TEST_F(VendorTunnelTest, OpenMakesTheInterfaceWithOnePeerThenOpensTheWindow) {
    const auto answer = call(kOpen);
    ASSERT_TRUE(answer->getValue<bool>("ok")) << answer->optValue<std::string>("error", "");
    const auto key = root_ + "/etc/medbox/vendor/wireguard.key";
    EXPECT_EQ(log(),
              "ip link add wgtest9 type wireguard\n"
              "wg set wgtest9 private-key " +
                  key + " listen-port 51820 peer " + kPeer +
                  " allowed-ips 10.8.0.2/32\n"
                  "ip address add 10.8.0.1/24 dev wgtest9\n"
                  "ip link set wgtest9 up\n"
                  "medbox-firewall window open 10.8.0.2/32 --seconds 600\n");
}

TEST_F(VendorTunnelTest, OpenThatFailsLeavesNoWindowOpen) {
    std::ofstream(root_ + "/fail-medbox-firewall") << "";
    const auto answer = call(kOpen);
    EXPECT_FALSE(answer->getValue<bool>("ok"));
    EXPECT_EQ(log().find("window open"), log().rfind("window open"));  // tried once, nothing else after it
}

TEST_F(VendorTunnelTest, CloseEndsTheWindowEvenWhenNothingIsOpen) {
    std::ofstream(root_ + "/fail-medbox-firewall") << "";
    const auto answer = call(R"({"verb":"vendor-close","interface":"wgtest9","peerAddress":"fd00:8::2"})");
    ASSERT_TRUE(answer->getValue<bool>("ok"));
    EXPECT_NE(answer->getValue<std::string>("firewall").find("refused"), std::string::npos);
    EXPECT_EQ(log(), "medbox-firewall window close fd00:8::2/128\n");  // no interface: nothing to delete
}

TEST_F(VendorTunnelTest, HostileArgumentsAreRefusedBeforeAnythingRuns) {
    const std::string base = R"({"verb":"vendor-open","interface":"wg0","address":"10.8.0.1/24","listenPort":51820,)";
    for (const std::string& bad : std::initializer_list<std::string>{
             base + R"("peerKey":"AAAA","peerAddress":"10.8.0.2","seconds":60})",
             base + R"("peerKey":")" + kPeer + R"(","peerAddress":"10.8.0.2; reboot","seconds":60})",
             base + R"("peerKey":")" + kPeer + R"(","peerAddress":"10.8.0.0/24","seconds":60})",
             base + R"("peerKey":")" + kPeer + R"(","peerAddress":"10.8.0.2","seconds":0})",
             base + R"("peerKey":")" + kPeer + R"(","peerAddress":"10.8.0.2","seconds":259201})",
             base + R"("peerKey":")" + kPeer + R"(","peerAddress":"10.8.0.2","seconds":"60"})",
             R"({"verb":"vendor-open","interface":"../wg","address":"10.8.0.1/24","listenPort":1,"peerKey":")" + kPeer +
                 R"(","peerAddress":"10.8.0.2","seconds":60})",
             R"({"verb":"vendor-open","interface":"wg0","address":"10.8.0.1","listenPort":1,"peerKey":")" + kPeer +
                 R"(","peerAddress":"10.8.0.2","seconds":60})",
             R"({"verb":"vendor-open","interface":"wg0","address":"10.8.0.1/24","listenPort":70000,"peerKey":")" +
                 kPeer + R"(","peerAddress":"10.8.0.2","seconds":60})",
             std::string(R"({"verb":"vendor-close","interface":"wg0 up"})"),
             std::string(R"({"verb":"vendor-nonsense"})"),
         }) {
        const auto answer = call(bad);
        EXPECT_FALSE(answer->getValue<bool>("ok")) << bad;
        EXPECT_TRUE(answer->has("error")) << bad;
    }
    EXPECT_EQ(log(), "");
}
