#pragma once
// The rules of vendor access that need no database (docs/console.md,
// "Vendor access"): what a WireGuard key, a tunnel address, a window's
// duration, reason and ticket may be. Each check answers "" when acceptable,
// else the reason (said to the admin next to the field).
#include <cstdint>
#include <optional>
#include <string>

namespace medbox::console::vendor_rules {

// Base64 of exactly 32 bytes, as `wg` prints keys (44 characters, one '=').
std::string checkWireGuardKey(const std::string& key);

// 1..15 of a-z 0-9, starting with a letter (what the helper accepts).
std::string checkInterface(const std::string& name);

// The appliance's tunnel address ADDRESS/PREFIX (IPv4, prefix 8..30).
struct Tunnel {
    uint32_t address = 0;  // host order
    int prefix = 0;
    uint32_t network() const { return prefix == 0 ? 0 : address & (~uint32_t{0} << (32 - prefix)); }
    uint32_t broadcast() const { return network() | ~(~uint32_t{0} << (32 - prefix)); }
};
std::optional<Tunnel> parseTunnel(const std::string& cidr);

// The vendor's one address: IPv4, inside the tunnel's network, neither the
// appliance's own address nor the network's or broadcast address.
std::string checkPeerAddress(const std::string& address, const Tunnel& tunnel);

// 1..maxMinutes.
std::string checkMinutes(int64_t minutes, int maxMinutes);

// A service-desk ticket number: 1..40 of A-Z a-z 0-9 - _ / # .
std::string checkTicket(const std::string& ticket);

// 4..500 bytes of text, no control characters.
std::string checkReason(const std::string& reason);

}  // namespace medbox::console::vendor_rules
