#include "../RuleText.h"
#include "../Services.h"
#include "Fragments.h"

namespace medbox::firewall {

// 60-lan (front-end server model): the hospital LAN reaches only the
// LAN-facing services, each from the hosts granted it; the appliance reaches
// only the listed HIS/LIS/queue hosts and ports.
void renderLan(const FirewallConfig& config, RulesetBuilder& b) {
    if (!config.lan) return;
    const auto nic = rule::quoted(config.interfaces.lan);

    b.rule(BaseChain::Input, "iifname " + nic + " jump lan_in");
    std::vector<std::string> in;
    for (const auto& peer : config.lan->peers)
        for (auto& r : rule::peerInbound(peer, config.mllpPort, config.hisPort)) in.push_back(std::move(r));
    for (const auto& src : rule::addressMatches("saddr", config.lan->staff))
        in.push_back(src + " tcp dport " + std::to_string(kServicedeskPort) + " accept comment \"staff\"");
    b.chain("lan_in", std::move(in));

    b.rule(BaseChain::Output, "oifname " + nic + " jump lan_out");
    std::vector<std::string> out;
    for (const auto& peer : config.lan->peers)
        for (auto& r : rule::peerOutbound(peer)) out.push_back(std::move(r));
    b.chain("lan_out", std::move(out));
}

}  // namespace medbox::firewall
