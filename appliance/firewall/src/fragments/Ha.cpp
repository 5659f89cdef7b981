#include "../RuleText.h"
#include "../Services.h"
#include "Fragments.h"

namespace medbox::firewall {

// 30-ha: the link to the other node carries VRRP (keepalived) and the
// replication stream, and nothing else; only the peer may use it.
void renderHa(const FirewallConfig& config, RulesetBuilder& b) {
    if (!config.ha) return;
    const auto nic = rule::quoted(config.interfaces.ha);
    const auto& peer = config.ha->peer;
    const auto vrrp = std::to_string(kVrrpProtocol);
    const auto replication = std::to_string(kReplicationPort);

    b.rule(BaseChain::Input, "iifname " + nic + " jump ha_in");
    std::vector<std::string> in;
    for (const auto& src : rule::addressMatches("saddr", {peer})) {
        in.push_back(src + " meta l4proto " + vrrp + " accept");
        in.push_back(src + " tcp dport " + replication + " accept");
    }
    b.chain("ha_in", std::move(in));

    // keepalived sends to the VRRP multicast group unless configured for
    // unicast; both must leave the HA link.
    std::string error;
    const auto group = parseCidr(peer.family == Family::Ipv4 ? "224.0.0.18" : "ff02::12", error);
    b.rule(BaseChain::Output, "oifname " + nic + " jump ha_out");
    std::vector<std::string> out;
    for (const auto& dst : rule::addressMatches("daddr", {peer, *group}))
        out.push_back(dst + " meta l4proto " + vrrp + " accept");
    for (const auto& dst : rule::addressMatches("daddr", {peer}))
        out.push_back(dst + " tcp dport " + replication + " accept");
    b.chain("ha_out", std::move(out));
}

}  // namespace medbox::firewall
