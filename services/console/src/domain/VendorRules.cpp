#include "domain/VendorRules.h"

#include <arpa/inet.h>

#include <cctype>

namespace medbox::console::vendor_rules {

namespace {

std::optional<uint32_t> ipv4(const std::string& text) {
    in_addr a{};
    if (text.size() > 15 || inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
    return ntohl(a.s_addr);
}

}  // namespace

std::string checkWireGuardKey(const std::string& key) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const std::string bad = "is not a WireGuard public key (base64 of 32 bytes, 44 characters ending in '=')";
    // 32 bytes: 43 characters, the last of which carries only 4 bits (its
    // low 2 bits are zero), then one '='.
    if (key.size() != 44 || key[43] != '=') return bad;
    for (size_t i = 0; i < 43; ++i)
        if (alphabet.find(key[i]) == std::string::npos) return bad;
    if (alphabet.find(key[42]) % 4 != 0) return bad;
    return {};
}

std::string checkInterface(const std::string& name) {
    if (name.empty() || name.size() > 15 || !std::islower(static_cast<unsigned char>(name[0])))
        return "must be 1..15 of a-z 0-9, starting with a letter";
    for (char c : name)
        if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)))
            return "must be 1..15 of a-z 0-9, starting with a letter";
    return {};
}

std::optional<Tunnel> parseTunnel(const std::string& cidr) {
    const auto slash = cidr.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const auto addr = ipv4(cidr.substr(0, slash));
    const auto p = cidr.substr(slash + 1);
    if (!addr || p.empty() || p.size() > 2 || p.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    Tunnel t{*addr, std::stoi(p)};
    if (t.prefix < 8 || t.prefix > 30 || t.address == t.network() || t.address == t.broadcast()) return std::nullopt;
    return t;
}

std::string checkPeerAddress(const std::string& address, const Tunnel& tunnel) {
    const auto a = ipv4(address);
    if (!a) return "must be one IPv4 address (no prefix)";
    Tunnel peer{*a, tunnel.prefix};
    if (peer.network() != tunnel.network()) return "must be inside the tunnel's network";
    if (*a == tunnel.address) return "is the appliance's own tunnel address";
    if (*a == tunnel.network() || *a == tunnel.broadcast()) return "is the tunnel's network or broadcast address";
    return {};
}

std::string checkMinutes(int64_t minutes, int maxMinutes) {
    if (minutes < 1 || minutes > maxMinutes) return "must be 1.." + std::to_string(maxMinutes) + " minutes";
    return {};
}

std::string checkTicket(const std::string& ticket) {
    if (ticket.empty() || ticket.size() > 40) return "must be 1..40 characters";
    for (char c : ticket)
        if (!std::isalnum(static_cast<unsigned char>(c)) && std::string("-_/#.").find(c) == std::string::npos)
            return "may hold only letters, digits and - _ / # .";
    return {};
}

std::string checkReason(const std::string& reason) {
    if (reason.size() < 4 || reason.size() > 500) return "must be 4..500 bytes";
    for (unsigned char c : reason)
        if (c < 0x20 || c == 0x7f) return "must not hold control characters";
    return {};
}

}  // namespace medbox::console::vendor_rules
