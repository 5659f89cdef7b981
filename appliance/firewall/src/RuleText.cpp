#include "RuleText.h"

#include "Services.h"

#include <algorithm>

namespace medbox::firewall::rule {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string portSet(std::vector<std::uint16_t> ports) {
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    if (ports.size() == 1) return std::to_string(ports.front());
    std::string out = "{ ";
    for (std::size_t i = 0; i < ports.size(); ++i) out += (i ? ", " : "") + std::to_string(ports[i]);
    return out + " }";
}

namespace {

std::string familyMatch(Family family, std::string_view direction, const std::vector<Cidr>& cidrs) {
    for (const auto& c : cidrs)
        if (c.isAny()) return family == Family::Ipv4 ? "meta nfproto ipv4" : "meta nfproto ipv6";
    std::string out = std::string(nftFamily(family)) + " " + std::string(direction) + " ";
    if (cidrs.size() == 1) return out + cidrs.front().text();
    out += "{ ";
    for (std::size_t i = 0; i < cidrs.size(); ++i) out += (i ? ", " : "") + cidrs[i].text();
    return out + " }";
}

std::string commented(std::string ruleText, std::string_view name) { return ruleText + " comment " + quoted(name); }

}  // namespace

std::vector<std::string> addressMatches(std::string_view direction, const std::vector<Cidr>& cidrs) {
    const auto split = splitByFamily(cidrs);
    std::vector<std::string> out;
    if (!split.v4.empty()) out.push_back(familyMatch(Family::Ipv4, direction, split.v4));
    if (!split.v6.empty()) out.push_back(familyMatch(Family::Ipv6, direction, split.v6));
    return out;
}

std::vector<std::string> peerOutbound(const Peer& peer) {
    std::vector<std::string> out;
    for (const auto& dst : addressMatches("daddr", {peer.address})) {
        if (!peer.tcp.empty()) out.push_back(commented(dst + " tcp dport " + portSet(peer.tcp) + " accept", peer.name));
        if (!peer.udp.empty()) out.push_back(commented(dst + " udp dport " + portSet(peer.udp) + " accept", peer.name));
    }
    return out;
}

std::vector<std::string> peerInbound(const Peer& peer, std::uint16_t mllpPort, std::uint16_t hisPort) {
    std::vector<std::uint16_t> tcp;
    std::vector<std::uint16_t> udp;
    for (const auto& name : peer.inbound)
        if (const auto service = findService(name))
            (service->protocol == Protocol::Tcp ? tcp : udp)
                .push_back(name == "mllp"  ? mllpPort
                           : name == "his" ? hisPort
                                           : service->port);
    std::vector<std::string> out;
    for (const auto& src : addressMatches("saddr", {peer.address})) {
        if (!tcp.empty()) out.push_back(commented(src + " tcp dport " + portSet(tcp) + " accept", peer.name));
        if (!udp.empty()) out.push_back(commented(src + " udp dport " + portSet(udp) + " accept", peer.name));
    }
    return out;
}

}  // namespace medbox::firewall::rule
