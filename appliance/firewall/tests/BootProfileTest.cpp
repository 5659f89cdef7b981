#include "BootProfile.h"
#include "Services.h"

#include <gtest/gtest.h>

namespace medbox::firewall {
namespace {

std::string chainBody(const std::string& ruleset, const std::string& name) {
    const auto start = ruleset.find("\tchain " + name + " {\n");
    if (start == std::string::npos) return "";
    return ruleset.substr(start, ruleset.find("\n\t}\n", start) - start);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The default boot profile: only the management NIC lets anything in (SSH,
// the console, DHCP replies); every other NIC drops everything both ways.
TEST(BootProfileTest, OnlyTheManagementNicIsOpen) {
    const auto text = renderBootRuleset("lan0");
    const auto input = chainBody(text, "input");
    EXPECT_TRUE(contains(input, "policy drop;")) << input;
    EXPECT_TRUE(contains(input, "iifname \"lan0\" jump management_in")) << input;
    EXPECT_TRUE(contains(chainBody(text, "forward"), "policy drop;"));
    const auto management = chainBody(text, "management_in");
    EXPECT_TRUE(contains(management, "tcp dport { 22, " + std::to_string(kConsolePort) + " } accept")) << management;
    EXPECT_TRUE(contains(management, "udp sport 67 udp dport 68 accept")) << management;
    // No other zone, no other jump: a DMZ NIC gets the input policy (drop).
    EXPECT_EQ(text.find("jump", text.find("jump management_in") + 1), text.find("jump output_drop")) << text;
    EXPECT_TRUE(contains(chainBody(text, "output"), "oifname != \"lan0\" jump output_drop")) << text;
    EXPECT_TRUE(contains(text, "comment \"medbox model=boot management=lan0\""));
}

TEST(BootProfileTest, IsOneReplacingTransaction) {
    const auto buffer = bootTransactionBuffer("mgmt0");
    EXPECT_EQ(buffer.rfind("add table inet medbox\ndelete table inet medbox\n", 0), 0u);
    EXPECT_TRUE(contains(buffer, "iifname \"mgmt0\" jump management_in"));
}

}  // namespace
}  // namespace medbox::firewall
