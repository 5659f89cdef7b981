#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::firewall {

enum class Family { Ipv4, Ipv6 };

// An address or network from the configuration file, kept in normalised form
// so that everything written into the nftables text is produced by us (from
// inet_ntop), never copied from the untrusted file.
struct Cidr {
    Family family = Family::Ipv4;
    std::array<std::uint8_t, 16> bytes{};
    int prefix = 32;

    bool isHost() const { return prefix == (family == Family::Ipv4 ? 32 : 128); }
    bool isAny() const { return prefix == 0; }
    // "10.0.0.0/8", or "10.0.0.1" for a single host.
    std::string text() const;
    bool contains(const Cidr& other) const;
    bool operator==(const Cidr&) const = default;
};

// Parses "10.1.2.0/24", "10.1.2.3", "fd00::/64" or "fd00::1". On failure
// returns nothing and sets `error` to a message an administrator can act on
// (for example the network address to use when host bits are set).
std::optional<Cidr> parseCidr(std::string_view text, std::string& error);

// Linux interface names: 1 to 15 characters from [A-Za-z0-9_.-]; anything
// else could not name a real interface and must not reach the ruleset text.
bool isValidInterfaceName(std::string_view name);

// nftables spelling of the address family keyword ("ip" / "ip6").
std::string_view nftFamily(Family family);

// Splits a list of networks by family, keeping their order.
struct ByFamily {
    std::vector<Cidr> v4;
    std::vector<Cidr> v6;
};
ByFamily splitByFamily(const std::vector<Cidr>& cidrs);

}  // namespace medbox::firewall
