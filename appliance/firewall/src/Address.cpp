#include "Address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace medbox::firewall {

namespace {

int maxPrefix(Family family) { return family == Family::Ipv4 ? 32 : 128; }
std::size_t byteCount(Family family) { return family == Family::Ipv4 ? 4 : 16; }

// Clears the bits after `prefix`; returns true when any was set.
bool clearHostBits(Cidr& cidr) {
    bool hadHostBits = false;
    const std::size_t n = byteCount(cidr.family);
    for (std::size_t i = 0; i < n; ++i) {
        const int bitsBefore = static_cast<int>(i) * 8;
        std::uint8_t keep = 0;
        if (cidr.prefix >= bitsBefore + 8)
            keep = 0xff;
        else if (cidr.prefix > bitsBefore)
            keep = static_cast<std::uint8_t>(0xff << (8 - (cidr.prefix - bitsBefore)));
        if ((cidr.bytes[i] & ~keep) != 0) hadHostBits = true;
        cidr.bytes[i] &= keep;
    }
    return hadHostBits;
}

std::string addressText(const Cidr& cidr) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(cidr.family == Family::Ipv4 ? AF_INET : AF_INET6, cidr.bytes.data(), buf, sizeof buf);
    return buf;
}

}  // namespace

std::string Cidr::text() const {
    if (isHost()) return addressText(*this);
    return addressText(*this) + "/" + std::to_string(prefix);
}

bool Cidr::contains(const Cidr& other) const {
    if (family != other.family || other.prefix < prefix) return false;
    Cidr masked = other;
    masked.prefix = prefix;
    clearHostBits(masked);
    return masked.bytes == bytes;
}

std::optional<Cidr> parseCidr(std::string_view text, std::string& error) {
    // Longest valid form: a full IPv6 address plus "/128".
    if (text.empty() || text.size() > INET6_ADDRSTRLEN + 4) {
        error = "not an IP address or network";
        return std::nullopt;
    }
    const auto slash = text.find('/');
    const std::string address(text.substr(0, slash));
    Cidr cidr;
    if (inet_pton(AF_INET, address.c_str(), cidr.bytes.data()) == 1) {
        cidr.family = Family::Ipv4;
    } else if (inet_pton(AF_INET6, address.c_str(), cidr.bytes.data()) == 1) {
        cidr.family = Family::Ipv6;
    } else {
        error = "'" + address + "' is not an IPv4 or IPv6 address";
        return std::nullopt;
    }
    cidr.prefix = maxPrefix(cidr.family);
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        int prefix = -1;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || prefix < 0 ||
            prefix > maxPrefix(cidr.family)) {
            error = "prefix length must be 0-" + std::to_string(maxPrefix(cidr.family));
            return std::nullopt;
        }
        cidr.prefix = prefix;
    }
    Cidr network = cidr;
    if (clearHostBits(network)) {
        // nft would silently widen or refuse this; ask the administrator to say
        // which one was meant instead of guessing.
        error = "host bits set in '" + std::string(text) + "'; did you mean " + network.text() + "?";
        return std::nullopt;
    }
    return cidr;
}

bool isValidInterfaceName(std::string_view name) {
    if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string_view nftFamily(Family family) { return family == Family::Ipv4 ? "ip" : "ip6"; }

ByFamily splitByFamily(const std::vector<Cidr>& cidrs) {
    ByFamily out;
    for (const auto& c : cidrs) (c.family == Family::Ipv4 ? out.v4 : out.v6).push_back(c);
    return out;
}

}  // namespace medbox::firewall
