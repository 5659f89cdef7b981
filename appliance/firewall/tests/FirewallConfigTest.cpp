#include "FirewallConfig.h"
#include "TestSupport.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <gtest/gtest.h>

#include <functional>
#include <sstream>

namespace medbox::firewall {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// The shipped example, changed by `edit`, as text: each error case below is
// one small mistake in an otherwise valid file.
std::string editedExample(const std::string& name, const std::function<void(Object&)>& edit) {
    Poco::JSON::Parser parser;
    auto root = parser.parse(test::readFile(test::examplePath(name))).extract<Object::Ptr>();
    edit(*root);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(root, out);
    return out.str();
}

std::vector<ConfigError> errorsOf(const std::string& json) { return parseFirewallConfig(json).errors; }

// True when some error has exactly this key path and mentions `text`.
::testing::AssertionResult hasError(const std::vector<ConfigError>& errors, const std::string& path,
                                    const std::string& text) {
    for (const auto& e : errors)
        if (e.path == path && e.message.find(text) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "no error '" << text << "' at " << path << "; got:\n"
                                         << formatErrors(errors);
}

TEST(FirewallConfigTest, ExamplesAreValid) {
    const auto frontend = loadFirewallConfig(test::examplePath("frontend.json"));
    ASSERT_TRUE(frontend.ok()) << formatErrors(frontend.errors);
    EXPECT_EQ(frontend.config->model, Model::Frontend);
    ASSERT_TRUE(frontend.config->lan);
    EXPECT_FALSE(frontend.config->gap);
    EXPECT_EQ(frontend.config->lan->peers.size(), 4u);
    EXPECT_EQ(frontend.config->lan->peers[0].inbound, std::vector<std::string>{"mllp"});
    EXPECT_EQ(frontend.config->interfaces.vendor, "wg0");
    EXPECT_EQ(frontend.config->digest.size(), 64u);

    const auto gap = loadFirewallConfig(test::examplePath("gap.json"));
    ASSERT_TRUE(gap.ok()) << formatErrors(gap.errors);
    EXPECT_EQ(gap.config->model, Model::Gap);
    ASSERT_TRUE(gap.config->gap);
    EXPECT_EQ(gap.config->gap->device.address.text(), "10.10.6.2");
    EXPECT_FALSE(gap.config->lan);
}

TEST(FirewallConfigTest, DefaultsOpenThePortalToEveryoneAndNothingElse) {
    const auto json = editedExample("frontend.json", [](Object& o) { o.remove("dmz"); });
    const auto result = parseFirewallConfig(json);
    ASSERT_TRUE(result.ok()) << formatErrors(result.errors);
    ASSERT_EQ(result.config->dmz.portalFrom.size(), 2u);
    EXPECT_TRUE(result.config->dmz.portalFrom[0].isAny());
    EXPECT_TRUE(result.config->dmz.outbound.empty());
}

TEST(FirewallConfigTest, UnknownModelNamesTheKey) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) { o.set("model", "router"); }));
    EXPECT_TRUE(hasError(errors, "model", "unknown model 'router'"));
}

TEST(FirewallConfigTest, BadCidrNamesTheKeyPath) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) {
        o.getObject("management")->getArray("admin_subnets")->set(0, "10.10.9.0/33");
    }));
    EXPECT_TRUE(hasError(errors, "management.admin_subnets[0]", "prefix length"));
}

TEST(FirewallConfigTest, MissingInterfaceNamesTheKeyPath) {
    const auto errors = errorsOf(
        editedExample("frontend.json", [](Object& o) { o.getObject("interfaces")->remove("lan"); }));
    EXPECT_TRUE(hasError(errors, "interfaces.lan", "missing interface"));
}

TEST(FirewallConfigTest, PortOutOfRangeNamesTheKeyPath) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) {
        o.getObject("lan")->getArray("peers")->getObject(1)->getArray("tcp")->set(0, 65536);
    }));
    EXPECT_TRUE(hasError(errors, "lan.peers[1].tcp[0]", "out of range"));
}

TEST(FirewallConfigTest, NonIntegerPortsAreRefused) {
    for (const auto& bad : {Poco::Dynamic::Var(true), Poco::Dynamic::Var("443"), Poco::Dynamic::Var(4.5)}) {
        const auto errors = errorsOf(
            editedExample("gap.json", [&](Object& o) { o.getObject("gap")->getArray("tcp")->set(1, bad); }));
        EXPECT_TRUE(hasError(errors, "gap.tcp[1]", "must be a port number")) << bad.toString();
    }
}

TEST(FirewallConfigTest, UnknownKeysNameTheKeyPath) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) {
        o.set("firewall", 1);
        o.getObject("lan")->getArray("peers")->getObject(0)->set("port", 80);
        o.getObject("interfaces")->set("wan", "eth9");
    }));
    EXPECT_TRUE(hasError(errors, "firewall", "unknown key"));
    EXPECT_TRUE(hasError(errors, "lan.peers[0].port", "unknown key"));
    EXPECT_TRUE(hasError(errors, "interfaces.wan", "unknown key"));
}

TEST(FirewallConfigTest, ZonesOfTheOtherModelAreRefused) {
    const auto errors = errorsOf(editedExample("gap.json", [](Object& o) {
        o.set("lan", Object::Ptr(new Object));
        o.getObject("interfaces")->set("lan", "eth7");
    }));
    EXPECT_TRUE(hasError(errors, "lan", "not allowed for model \"gap\""));
    EXPECT_TRUE(hasError(errors, "interfaces.lan", "not used"));

    const auto noGap = errorsOf(editedExample("gap.json", [](Object& o) { o.remove("gap"); }));
    EXPECT_TRUE(hasError(noGap, "gap", "required for model \"gap\""));
}

TEST(FirewallConfigTest, OptionalZonesNeedTheirInterfaceAndViceVersa) {
    const auto noHaSection = errorsOf(editedExample("frontend.json", [](Object& o) { o.remove("ha"); }));
    EXPECT_TRUE(hasError(noHaSection, "interfaces.ha", "not used"));
    const auto noVendorNic = errorsOf(
        editedExample("frontend.json", [](Object& o) { o.getObject("interfaces")->remove("vendor"); }));
    EXPECT_TRUE(hasError(noVendorNic, "interfaces.vendor", "missing interface"));

    const auto neither = parseFirewallConfig(editedExample("frontend.json", [](Object& o) {
        o.remove("ha");
        o.remove("vendor");
        o.getObject("interfaces")->remove("ha");
        o.getObject("interfaces")->remove("vendor");
    }));
    ASSERT_TRUE(neither.ok()) << formatErrors(neither.errors);
    EXPECT_FALSE(neither.config->ha);
    EXPECT_FALSE(neither.config->vendor);
}

TEST(FirewallConfigTest, EachZoneNeedsItsOwnInterface) {
    const auto errors = errorsOf(
        editedExample("frontend.json", [](Object& o) { o.getObject("interfaces")->set("lan", "dmz0"); }));
    EXPECT_TRUE(hasError(errors, "interfaces.lan", "already used by interfaces.dmz"));
}

TEST(FirewallConfigTest, InterfaceNamesThatCouldNotExistAreRefused) {
    const auto errors = errorsOf(
        editedExample("frontend.json", [](Object& o) { o.getObject("interfaces")->set("dmz", "eth0\" accept #"); }));
    EXPECT_TRUE(hasError(errors, "interfaces.dmz", "not a valid interface name"));
}

TEST(FirewallConfigTest, OnlyLanFacingServicesCanBeGranted) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) {
        auto inbound = o.getObject("lan")->getArray("peers")->getObject(0)->getArray("inbound");
        inbound->add("booking");
        inbound->add("telnet");
    }));
    EXPECT_TRUE(hasError(errors, "lan.peers[0].inbound[1]", "not LAN-facing"));
    EXPECT_TRUE(hasError(errors, "lan.peers[0].inbound[2]", "unknown service 'telnet'"));
}

TEST(FirewallConfigTest, SingleAddressesMustNotBeNetworks) {
    const auto errors = errorsOf(editedExample("gap.json", [](Object& o) {
        o.getObject("ha")->set("peer", "10.10.8.0/24");
        o.getObject("gap")->set("device", "10.10.6.0/30");
    }));
    EXPECT_TRUE(hasError(errors, "ha.peer", "single address"));
    EXPECT_TRUE(hasError(errors, "gap.device", "single address"));
}

TEST(FirewallConfigTest, OverlappingNetworksAndDuplicatesAreRefused) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) {
        o.getObject("lan")->getArray("staff")->add("10.10.3.128/25");
        o.getObject("lan")->getArray("peers")->getObject(1)->set("name", "his");
        o.getObject("lan")->getArray("peers")->getObject(0)->getArray("tcp")->add(8080);
    }));
    EXPECT_TRUE(hasError(errors, "lan.staff[2]", "overlaps lan.staff[0]"));
    EXPECT_TRUE(hasError(errors, "lan.peers[1].name", "used twice"));
    EXPECT_TRUE(hasError(errors, "lan.peers[0].tcp[2]", "listed twice"));
}

TEST(FirewallConfigTest, ListsAreBounded) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) {
        Array::Ptr many(new Array);
        for (int i = 1; i <= 65; ++i) many->add(i);
        o.getObject("lan")->getArray("peers")->getObject(2)->set("tcp", many);
    }));
    EXPECT_TRUE(hasError(errors, "lan.peers[2].tcp", "more than 64"));
}

TEST(FirewallConfigTest, EveryMistakeIsReportedAtOnce) {
    const auto errors = errorsOf(editedExample("frontend.json", [](Object& o) {
        o.set("model", "router");
        o.getObject("ha")->set("peer", "not-an-address");
        o.getObject("management")->set("ssh", true);
    }));
    EXPECT_TRUE(hasError(errors, "model", "unknown model"));
    EXPECT_TRUE(hasError(errors, "ha.peer", "not an IPv4 or IPv6 address"));
    EXPECT_TRUE(hasError(errors, "management.ssh", "unknown key"));
}

TEST(FirewallConfigTest, HostileDocumentsGiveErrorsNotExceptions) {
    EXPECT_TRUE(hasError(errorsOf("{"), "", "not valid JSON"));
    EXPECT_TRUE(hasError(errorsOf("[1, 2]"), "", "must be an object"));
    EXPECT_TRUE(hasError(errorsOf(std::string(10000, '[')), "", "not valid JSON"));
    EXPECT_TRUE(hasError(errorsOf(std::string(kMaxConfigBytes + 1, ' ')), "", "larger than"));
    EXPECT_TRUE(hasError(errorsOf("{\"model\": 5}"), "model", "must be a string"));
    EXPECT_TRUE(hasError(errorsOf("{\"model\": \"gap\", \"interfaces\": []}"), "interfaces", "must be an object"));
    EXPECT_FALSE(loadFirewallConfig("/nonexistent/profile.json").ok());
}

TEST(FirewallConfigTest, DigestFollowsTheFileContent) {
    const auto a = parseFirewallConfig(test::readFile(test::examplePath("gap.json")));
    const auto b = parseFirewallConfig(test::readFile(test::examplePath("gap.json")) + "\n");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a.config->digest, b.config->digest);
}

}  // namespace
}  // namespace medbox::firewall

namespace medbox::firewall {
namespace {

TEST(FirewallConfigTest, MllpPortFollowsTheBridgesSettingAndCollidesWithNothing) {
    const auto defaulted = parseFirewallConfig(test::readFile(test::examplePath("gap.json")));
    ASSERT_TRUE(defaulted.ok());
    EXPECT_EQ(defaulted.config->mllpPort, 2575);
    const auto moved = parseFirewallConfig(editedExample("frontend.json", [](Object& o) { o.set("mllp_port", 2600); }));
    ASSERT_TRUE(moved.ok()) << formatErrors(moved.errors);
    EXPECT_EQ(moved.config->mllpPort, 2600);
    EXPECT_TRUE(hasError(errorsOf(editedExample("frontend.json", [](Object& o) { o.set("mllp_port", 70000); })),
                         "mllp_port", "out of range"));
    EXPECT_TRUE(hasError(errorsOf(editedExample("gap.json", [](Object& o) { o.set("mllp_port", "2575"); })),
                         "mllp_port", "must be a port number"));
    for (const int taken : {22, 8443, 8445, 8447, 9443, 9444})
        EXPECT_TRUE(hasError(errorsOf(editedExample("frontend.json", [&](Object& o) { o.set("mllp_port", taken); })),
                             "mllp_port", "is "))
            << taken;
}

TEST(FirewallConfigTest, HisPortFollowsTheBridgesSettingAndCollidesWithNothing) {
    const auto defaulted = parseFirewallConfig(test::readFile(test::examplePath("gap.json")));
    ASSERT_TRUE(defaulted.ok());
    EXPECT_EQ(defaulted.config->hisPort, 2576);
    const auto moved = parseFirewallConfig(editedExample("frontend.json", [](Object& o) { o.set("his_port", 2610); }));
    ASSERT_TRUE(moved.ok()) << formatErrors(moved.errors);
    EXPECT_EQ(moved.config->hisPort, 2610);
    EXPECT_TRUE(hasError(errorsOf(editedExample("frontend.json", [](Object& o) { o.set("his_port", 0); })), "his_port",
                         "out of range"));
    for (const int taken : {22, 2575, 8443, 8445, 9444})
        EXPECT_TRUE(hasError(errorsOf(editedExample("frontend.json", [&](Object& o) { o.set("his_port", taken); })),
                             "his_port", "is "))
            << taken;
    // Both moved onto one port.
    EXPECT_TRUE(hasError(errorsOf(editedExample("frontend.json",
                                                [](Object& o) {
                                                    o.set("mllp_port", 2600);
                                                    o.set("his_port", 2600);
                                                })),
                         "his_port", "mllp_port"));
    // The mllp port cannot take the HIS listener's default either.
    EXPECT_TRUE(hasError(errorsOf(editedExample("frontend.json", [](Object& o) { o.set("mllp_port", 2576); })),
                         "mllp_port", "is his's"));
}

}  // namespace
}  // namespace medbox::firewall
