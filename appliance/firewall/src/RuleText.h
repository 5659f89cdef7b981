#pragma once

#include "Address.h"
#include "FirewallConfig.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// Small helpers that spell nftables expressions. Every piece of text they
// produce comes from validated values (normalised addresses, numbers,
// checked names), never from the raw configuration file.
namespace medbox::firewall::rule {

// "\"eth0\"": a quoted interface name for iifname/oifname.
std::string quoted(std::string_view text);

// "443" or "{ 80, 443 }", sorted.
std::string portSet(std::vector<std::uint16_t> ports);

// One address match per family present: {"ip saddr { 10.0.0.0/8 }",
// "ip6 saddr fd00::/64"}. A /0 network matches the whole family
// ("meta nfproto ipv4"). `direction` is "saddr" or "daddr".
std::vector<std::string> addressMatches(std::string_view direction, const std::vector<Cidr>& cidrs);

// Outbound accept rules towards a peer (its tcp and udp ports).
std::vector<std::string> peerOutbound(const Peer& peer);
// Inbound accept rules from a peer to the LAN-facing services it was granted.
// mllpPort, hisPort: the profile's (FirewallConfig::mllpPort, hisPort), for a
// peer granted "mllp" or "his".
std::vector<std::string> peerInbound(const Peer& peer, std::uint16_t mllpPort, std::uint16_t hisPort);

}  // namespace medbox::firewall::rule
