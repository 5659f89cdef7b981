#include "Address.h"

#include <gtest/gtest.h>

namespace medbox::firewall {
namespace {

std::optional<Cidr> parse(const std::string& text, std::string* errorOut = nullptr) {
    std::string error;
    auto result = parseCidr(text, error);
    if (errorOut) *errorOut = error;
    return result;
}

TEST(AddressTest, ParsesHostsAndNetworksOfBothFamilies) {
    auto host = parse("10.10.2.10");
    ASSERT_TRUE(host);
    EXPECT_EQ(host->family, Family::Ipv4);
    EXPECT_TRUE(host->isHost());
    EXPECT_EQ(host->text(), "10.10.2.10");

    auto net = parse("10.10.0.0/16");
    ASSERT_TRUE(net);
    EXPECT_EQ(net->prefix, 16);
    EXPECT_EQ(net->text(), "10.10.0.0/16");

    auto v6 = parse("fd00:0:0::/64");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->family, Family::Ipv6);
    EXPECT_EQ(v6->text(), "fd00::/64");  // normalised, not copied

    auto any = parse("0.0.0.0/0");
    ASSERT_TRUE(any);
    EXPECT_TRUE(any->isAny());
}

TEST(AddressTest, HostBitsAreRefusedWithTheNetworkToUse) {
    std::string error;
    EXPECT_FALSE(parse("10.10.3.7/24", &error));
    EXPECT_NE(error.find("did you mean 10.10.3.0/24"), std::string::npos) << error;
    EXPECT_FALSE(parse("fd00::1/64", &error));
    EXPECT_NE(error.find("did you mean fd00::/64"), std::string::npos) << error;
}

TEST(AddressTest, RefusesMalformedText) {
    for (const char* bad :
         {"", "10.10.1", "10.10.1.256", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8x", "fd00::/129",
          "host.example", "10.0.0.0/8 ", " 10.0.0.1", "10.0.0.1;drop", "1.2.3.4/24\"; flush ruleset"}) {
        EXPECT_FALSE(parse(bad)) << bad;
    }
}

TEST(AddressTest, ContainmentFollowsPrefixes) {
    EXPECT_TRUE(parse("10.0.0.0/8")->contains(*parse("10.1.0.0/16")));
    EXPECT_FALSE(parse("10.1.0.0/16")->contains(*parse("10.0.0.0/8")));
    EXPECT_FALSE(parse("10.0.0.0/8")->contains(*parse("11.0.0.0/8")));
    EXPECT_FALSE(parse("0.0.0.0/0")->contains(*parse("fd00::/8")));
    EXPECT_TRUE(parse("::/0")->contains(*parse("fd00::1")));
}

TEST(AddressTest, InterfaceNamesAreLimitedToWhatLinuxAccepts) {
    EXPECT_TRUE(isValidInterfaceName("enp1s0f0"));
    EXPECT_TRUE(isValidInterfaceName("wg0"));
    EXPECT_TRUE(isValidInterfaceName("bond0.100"));
    EXPECT_FALSE(isValidInterfaceName(""));
    EXPECT_FALSE(isValidInterfaceName("abcdefghijklmnop"));  // 16 characters
    EXPECT_FALSE(isValidInterfaceName("eth0\""));
    EXPECT_FALSE(isValidInterfaceName("eth 0"));
    EXPECT_FALSE(isValidInterfaceName(".."));
}

}  // namespace
}  // namespace medbox::firewall
