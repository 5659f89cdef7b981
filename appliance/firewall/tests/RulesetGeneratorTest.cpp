#include "FirewallConfig.h"
#include "RulesetGenerator.h"
#include "Services.h"
#include "TestSupport.h"
#include "fragments/Fragments.h"

#include <gtest/gtest.h>

#include <regex>

namespace medbox::firewall {
namespace {

FirewallConfig example(const std::string& name) {
    auto result = loadFirewallConfig(test::examplePath(name));
    EXPECT_TRUE(result.ok()) << formatErrors(result.errors);
    return *result.config;
}

// The body of one chain in the rendered text, or "" if it is absent.
std::string chainBody(const std::string& ruleset, const std::string& name) {
    const auto start = ruleset.find("\tchain " + name + " {\n");
    if (start == std::string::npos) return "";
    const auto end = ruleset.find("\n\t}\n", start);
    return ruleset.substr(start, end - start);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
    return n;
}

// The console's firewall page shows drops per zone: each zone's NIC has an
// input counter before the final drop, and an output one but management's.
TEST(RulesetGeneratorTest, CountsDropsPerZone) {
    const auto config = example("frontend.json");
    const auto text = renderRuleset(config);
    const auto input = chainBody(text, "input");
    for (const auto& [zone, nic] : zoneNics(config)) {
        EXPECT_TRUE(contains(text, "counter drop_in_" + zone + " {")) << zone;
        EXPECT_TRUE(contains(input, "iifname \"" + nic + "\" counter name \"drop_in_" + zone + "\"")) << zone;
        EXPECT_LT(input.find("drop_in_" + zone), input.find("counter name \"drop_input\"")) << zone;
        EXPECT_EQ(contains(chainBody(text, "output_drop"), "counter name \"drop_out_" + zone + "\""),
                  zone != "management")
            << zone;
    }
    EXPECT_GE(zoneNics(config).size(), 3u);
}

TEST(RulesetGeneratorTest, InputAndForwardDropByDefault) {
    const auto text = renderRuleset(example("frontend.json"));
    EXPECT_TRUE(contains(chainBody(text, "input"), "hook input priority filter; policy drop;"));
    EXPECT_TRUE(contains(chainBody(text, "forward"), "hook forward priority filter; policy drop;"));
    // Nothing is ever forwarded between zones: the forward chain accepts nothing.
    EXPECT_FALSE(contains(chainBody(text, "forward"), "accept"));
}

TEST(RulesetGeneratorTest, BaseRulesComeFirst) {
    const auto input = chainBody(renderRuleset(example("frontend.json")), "input");
    const auto lo = input.find("iif \"lo\" accept");
    const auto invalid = input.find("ct state invalid drop");
    const auto established = input.find("ct state established,related accept");
    const auto firstJump = input.find("jump");
    ASSERT_NE(lo, std::string::npos);
    ASSERT_NE(invalid, std::string::npos);
    ASSERT_NE(established, std::string::npos);
    EXPECT_LT(lo, invalid);
    EXPECT_LT(invalid, established);
    EXPECT_LT(established, firstJump);
    // The echo limit must precede "established", which would otherwise let
    // every echo after the first (same ICMP id) through unlimited.
    for (const auto* family : {"icmp", "icmpv6"}) {
        const auto limit = input.find(std::string(family) + " type echo-request limit rate");
        const auto drop = input.find(std::string(family) + " type echo-request drop");
        ASSERT_NE(limit, std::string::npos) << family;
        EXPECT_LT(limit, drop) << family;
        EXPECT_LT(drop, established) << family;
    }
    EXPECT_TRUE(contains(input, "packet-too-big"));
    EXPECT_TRUE(contains(input, "nd-neighbor-solicit"));
}

TEST(RulesetGeneratorTest, FragmentsAppearInNumberOrder) {
    int previous = 0;
    for (const auto& f : fragments()) {
        EXPECT_GT(f.number, previous) << f.name;
        previous = f.number;
    }
    const auto input = chainBody(renderRuleset(example("frontend.json")), "input");
    std::regex label("# (\\d\\d)-[a-z-]+");
    std::vector<int> seen;
    for (std::sregex_iterator it(input.begin(), input.end(), label), end; it != end; ++it)
        seen.push_back(std::stoi((*it)[1]));
    ASSERT_GE(seen.size(), 5u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(seen.front(), 10);
    EXPECT_EQ(seen.back(), 90);
}

TEST(RulesetGeneratorTest, DmzExposesOnlyThePortal) {
    const auto config = example("frontend.json");
    const auto text = renderRuleset(config);
    EXPECT_TRUE(contains(chainBody(text, "input"), "iifname \"" + config.interfaces.dmz + "\" jump dmz_in"));
    const auto dmz = chainBody(text, "dmz_in");
    EXPECT_EQ(count(dmz, "accept"), 2u);  // IPv4 and IPv6
    EXPECT_EQ(count(dmz, "tcp dport " + std::to_string(kPortalPort) + " accept"), 2u);
}

TEST(RulesetGeneratorTest, InternalServicesAreNeverOpened) {
    for (const auto* name : {"frontend.json", "gap.json"}) {
        const auto text = renderRuleset(example(name));
        for (const auto& s : allServices()) {
            if (s.name != "booking" && s.name != "hisbridge" && s.name != "alerting") continue;
            const std::regex opened("dport[^\n]*\\b" + std::to_string(s.port) + "\\b");
            EXPECT_FALSE(std::regex_search(text, opened)) << name << " opens " << s.name;
        }
    }
}

TEST(RulesetGeneratorTest, LanReachesOnlyTheListedPeersAndServesOnlyLanServices) {
    const auto config = example("frontend.json");
    const auto text = renderRuleset(config);
    const auto out = chainBody(text, "lan_out");
    const auto in = chainBody(text, "lan_in");
    for (const auto& peer : config.lan->peers) {
        EXPECT_EQ(contains(out, "ip daddr " + peer.address.text() + " tcp dport"), !peer.tcp.empty()) << peer.name;
        EXPECT_EQ(contains(out, "ip daddr " + peer.address.text() + " udp dport"), !peer.udp.empty()) << peer.name;
        const bool mllp = std::find(peer.inbound.begin(), peer.inbound.end(), "mllp") != peer.inbound.end();
        EXPECT_EQ(contains(in, "ip saddr " + peer.address.text() + " tcp dport 2575 accept"), mllp) << peer.name;
    }
    EXPECT_TRUE(contains(in, "ip saddr { 10.10.3.0/24, 10.10.4.0/24 } tcp dport 8447 accept"));
    EXPECT_EQ(count(out, "accept"), 5u);  // his (tcp), lis, queue, dns tcp + udp
    // Leaving by the LAN NIC without a matching rule ends in the logged drop.
    EXPECT_TRUE(contains(chainBody(text, "output"), "\"" + config.interfaces.lan + "\""));
    EXPECT_TRUE(contains(chainBody(text, "output_drop"), "drop"));
    EXPECT_FALSE(contains(text, "gap_in"));
}

// hisbridge's MLLP port is a setting (hisbridge.mllp.port); the profile's
// mllp_port moves the rule for exactly the peers granted "mllp", in both models.
TEST(RulesetGeneratorTest, MllpPortFromTheProfileIsOpenedOnlyToGrantedPeersInBothModels) {
    for (const auto* name : {"frontend.json", "gap.json"}) {
        std::string json = test::readFile(test::examplePath(name));
        json.insert(json.find('{') + 1, "\"mllp_port\": 2600,");
        const auto result = parseFirewallConfig(json);
        ASSERT_TRUE(result.ok()) << formatErrors(result.errors);
        const auto text = renderRuleset(*result.config);
        const auto in = chainBody(text, result.config->lan ? "lan_in" : "gap_in");
        EXPECT_FALSE(contains(text, "2575")) << name;
        std::vector<Peer> peers = result.config->lan ? result.config->lan->peers
                                                     : std::vector<Peer>{result.config->gap->device};
        std::size_t granted = 0;
        for (const auto& peer : peers) {
            const bool mllp = std::find(peer.inbound.begin(), peer.inbound.end(), "mllp") != peer.inbound.end();
            granted += mllp;
            const std::regex rule("ip saddr " + peer.address.text() + " tcp dport (\\{ )?[0-9, ]*\\b2600\\b");
            EXPECT_EQ(std::regex_search(in, rule), mllp) << name << " " << peer.name;
        }
        EXPECT_GT(granted, 0u) << name;
        // Nowhere else: not in any other zone's chain.
        EXPECT_EQ(count(text, "2600"), granted) << name;
    }
}

// hisbridge's HIS socket listener (hisbridge.his.port, 2576) is opened to
// the peers granted "his" only, at the profile's his_port, in both models.
TEST(RulesetGeneratorTest, HisPortIsOpenedOnlyToPeersGrantedHisInBothModels) {
    for (const auto* name : {"frontend.json", "gap.json"}) {
        std::string json = test::readFile(test::examplePath(name));
        const auto first = json.find("\"inbound\": [\"mllp\"");
        ASSERT_NE(first, std::string::npos) << name;
        json.insert(first + std::string("\"inbound\": [").size(), "\"his\", ");
        const auto defaulted = parseFirewallConfig(json);
        ASSERT_TRUE(defaulted.ok()) << formatErrors(defaulted.errors);
        const auto defaultText = renderRuleset(*defaulted.config);
        // Inbound 2576 once (the example's HIS also listens on 2576 itself: that is lan_out).
        EXPECT_EQ(count(chainBody(defaultText, defaulted.config->lan ? "lan_in" : "gap_in"), "2576"), 1u) << name;
        json.insert(json.find('{') + 1, "\"his_port\": 2610,");
        const auto result = parseFirewallConfig(json);
        ASSERT_TRUE(result.ok()) << formatErrors(result.errors);
        const auto text = renderRuleset(*result.config);
        const auto in = chainBody(text, result.config->lan ? "lan_in" : "gap_in");
        std::vector<Peer> peers = result.config->lan ? result.config->lan->peers
                                                     : std::vector<Peer>{result.config->gap->device};
        std::size_t granted = 0;
        for (const auto& peer : peers) {
            const bool his = std::find(peer.inbound.begin(), peer.inbound.end(), "his") != peer.inbound.end();
            granted += his;
            const std::regex rule("ip saddr " + peer.address.text() + " tcp dport (\\{ )?[0-9, ]*\\b2610\\b");
            EXPECT_EQ(std::regex_search(in, rule), his) << name << " " << peer.name;
        }
        EXPECT_EQ(granted, 1u) << name;
        EXPECT_EQ(count(text, "2610"), 1u) << name;
    }
}

TEST(RulesetGeneratorTest, GapModelTalksOnlyToTheGapDevice) {
    const auto config = example("gap.json");
    const auto text = renderRuleset(config);
    const auto device = config.gap->device.address.text();
    EXPECT_TRUE(contains(chainBody(text, "gap_out"), "ip daddr " + device + " tcp dport { 9001, 9002 } accept"));
    EXPECT_EQ(count(chainBody(text, "gap_out"), "accept"), 1u);
    EXPECT_TRUE(contains(chainBody(text, "gap_in"), "ip saddr " + device + " tcp dport { 2575, 8447 } accept"));
    EXPECT_EQ(count(chainBody(text, "gap_in"), "accept"), 1u);
    EXPECT_FALSE(contains(text, "lan_in"));
    EXPECT_FALSE(contains(text, "lan_out"));
    EXPECT_TRUE(contains(chainBody(text, "output"), "oifname \"" + config.interfaces.gap + "\" jump gap_out"));
}

TEST(RulesetGeneratorTest, ManagementIsLimitedToAdminSubnetsOfEachFamily) {
    const auto text = renderRuleset(example("gap.json"));
    const auto management = chainBody(text, "management_in");
    EXPECT_TRUE(contains(management, "ip saddr 10.10.9.0/24 tcp dport { 22, 9443 } accept"));
    EXPECT_TRUE(contains(management, "ip6 saddr fd10:10:9::/64 tcp dport { 22, 9443 } accept"));
    EXPECT_EQ(count(management, "accept"), 2u);
}

TEST(RulesetGeneratorTest, HaLinkCarriesVrrpAndReplicationFromThePeerOnly) {
    const auto config = example("frontend.json");
    const auto text = renderRuleset(config);
    const auto in = chainBody(text, "ha_in");
    const auto peer = config.ha->peer.text();
    EXPECT_TRUE(contains(in, "ip saddr " + peer + " meta l4proto 112 accept"));
    EXPECT_TRUE(contains(in, "ip saddr " + peer + " tcp dport 9444 accept"));
    EXPECT_EQ(count(in, "accept"), 2u);
    EXPECT_TRUE(contains(chainBody(text, "ha_out"), "224.0.0.18"));

    auto noHa = config;
    noHa.ha.reset();
    noHa.interfaces.ha.clear();
    EXPECT_FALSE(contains(renderRuleset(noHa), "ha_in"));
}

TEST(RulesetGeneratorTest, VendorConsoleNeedsAnOpenWindow) {
    const auto config = example("frontend.json");
    const auto text = renderRuleset(config);
    EXPECT_TRUE(contains(text, "set vendor_window {"));
    EXPECT_TRUE(contains(text, "flags interval, timeout"));
    const auto vendor = chainBody(text, "vendor_in");
    EXPECT_TRUE(contains(vendor, "ip saddr @vendor_window tcp dport 9443 accept"));
    EXPECT_TRUE(contains(vendor, "ip6 saddr @vendor_window6 tcp dport 9443 accept"));
    EXPECT_EQ(count(vendor, "accept"), 2u);
    EXPECT_TRUE(contains(chainBody(text, "input"),
                         "iifname \"" + config.interfaces.dmz + "\" meta nfproto ipv4 udp dport 51820 accept"));

    auto noVendor = config;
    noVendor.vendor.reset();
    noVendor.interfaces.vendor.clear();
    const auto without = renderRuleset(noVendor);
    EXPECT_FALSE(contains(without, "vendor_window"));
    EXPECT_FALSE(contains(without, "51820"));
}

TEST(RulesetGeneratorTest, DropsAreCountedAndLoggedWithARateLimit) {
    const auto text = renderRuleset(example("frontend.json"));
    for (const auto* chain : {"input", "forward", "output_drop"}) {
        const auto body = chainBody(text, chain);
        EXPECT_TRUE(std::regex_search(body, std::regex("counter name \"drop_[a-z]+\"\n.*limit rate \\d+/minute "
                                                       "burst \\d+ packets log prefix")))
            << chain;
    }
}

TEST(RulesetGeneratorTest, TransactionReplacesTheTableInOneBuffer) {
    const auto buffer = transactionBuffer(example("gap.json"));
    EXPECT_EQ(buffer.rfind("add table inet medbox\ndelete table inet medbox\n", 0), 0u);
    EXPECT_EQ(count(buffer, "table inet medbox {"), 1u);
    EXPECT_FALSE(contains(buffer, "flush ruleset"));  // other tables are not ours to touch
}

}  // namespace
}  // namespace medbox::firewall
