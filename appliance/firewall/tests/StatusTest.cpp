#include "Status.h"
#include "VendorWindow.h"

#include <gtest/gtest.h>

namespace medbox::firewall {
namespace {

// The shape libnftables 1.0.6 writes for `nft -j list table inet medbox`.
const char* kListing = R"({"nftables": [
 {"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
 {"table": {"family": "inet", "name": "medbox", "handle": 8}},
 {"counter": {"family": "inet", "name": "drop_input", "table": "medbox", "packets": 42, "bytes": 2520}},
 {"counter": {"family": "inet", "name": "drop_forward", "table": "medbox", "packets": 0, "bytes": 0}},
 {"counter": {"family": "inet", "name": "drop_output", "table": "medbox", "packets": 7, "bytes": 420}},
 {"set": {"family": "inet", "name": "vendor_window", "table": "medbox", "type": "ipv4_addr",
          "flags": ["interval", "timeout"],
          "elem": [{"elem": {"val": {"prefix": {"addr": "10.8.0.0", "len": 24}}, "timeout": 7200, "expires": 7000}},
                   {"elem": {"val": "10.9.0.5", "timeout": 60, "expires": 59}}]}},
 {"set": {"family": "inet", "name": "vendor_window6", "table": "medbox", "type": "ipv6_addr",
          "flags": ["interval", "timeout"]}}
]})";

TEST(StatusTest, ReadsCountersAndWindows) {
    const auto status = parseStatus(kListing);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->dropInput, 42u);
    EXPECT_EQ(status->dropForward, 0u);
    EXPECT_EQ(status->dropOutput, 7u);
    ASSERT_EQ(status->windows.size(), 2u);
    EXPECT_EQ(status->windows[0].network, "10.8.0.0/24");
    EXPECT_EQ(status->windows[0].timeoutSeconds, 7200);
    EXPECT_EQ(status->windows[0].expiresSeconds, 7000);
    EXPECT_EQ(status->windows[1].network, "10.9.0.5");

    const auto text = formatStatus(*status);
    EXPECT_NE(text.find("input 42"), std::string::npos) << text;
    EXPECT_NE(text.find("10.8.0.0/24  closes in 1h56m40s (opened for 2h0m0s)"), std::string::npos) << text;
}

TEST(StatusTest, ReadsDropsPerZoneAndWritesJson) {
    const auto status = parseStatus(R"({"nftables": [
 {"table": {"family": "inet", "name": "medbox"}},
 {"counter": {"name": "drop_in_dmz", "packets": 5}},
 {"counter": {"name": "drop_in_lan", "packets": 2}},
 {"counter": {"name": "drop_out_dmz", "packets": 9}},
 {"counter": {"name": "drop_input", "packets": 7}}]})");
    ASSERT_TRUE(status);
    ASSERT_EQ(status->zones.size(), 2u);
    EXPECT_EQ(status->zones[0].zone, "dmz");
    EXPECT_EQ(status->zones[0].in, 5u);
    EXPECT_EQ(status->zones[0].out, 9u);
    EXPECT_EQ(status->zones[1].zone, "lan");
    EXPECT_EQ(status->zones[1].in, 2u);
    EXPECT_EQ(status->zones[1].out, 0u);
    const auto json = formatStatusJson(*status);
    EXPECT_NE(json.find(R"("zones":[{"in":5,"out":9,"zone":"dmz"})"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("input":7)"), std::string::npos) << json;
    EXPECT_NE(formatStatus(*status).find("zone lan: in 2, out 0"), std::string::npos);
}

TEST(StatusTest, NoWindowsIsSaidPlainly) {
    const auto status = parseStatus(R"({"nftables": [{"table": {"name": "medbox"}}]})");
    ASSERT_TRUE(status);
    EXPECT_NE(formatStatus(*status).find("vendor windows: none open"), std::string::npos);
}

TEST(StatusTest, GarbageIsNotAStatus) {
    EXPECT_FALSE(parseStatus("not json"));
    EXPECT_FALSE(parseStatus("[]"));
    EXPECT_FALSE(parseStatus(R"({"other": 1})"));
}

TEST(StatusTest, ReadsTheTableCommentFromTheTextListing) {
    EXPECT_EQ(tableComment("table inet medbox {\n\tcomment \"medbox model=gap sha256=ab\"\n\tchain input {\n"),
              "medbox model=gap sha256=ab");
    EXPECT_EQ(tableComment("table inet medbox {\n\tchain input {\n"), "");
}

TEST(StatusTest, WindowCommandsTargetTheSetOfTheAddressFamily) {
    std::string error;
    EXPECT_EQ(openWindowCommand(*parseCidr("10.8.0.0/24", error), 7200),
              "add element inet medbox vendor_window { 10.8.0.0/24 timeout 7200s }");
    EXPECT_EQ(closeWindowCommand(*parseCidr("fd08::/64", error)),
              "delete element inet medbox vendor_window6 { fd08::/64 }");
    EXPECT_EQ(formatDuration(59), "59s");
    EXPECT_EQ(formatDuration(3600), "1h0m0s");
}

}  // namespace
}  // namespace medbox::firewall
