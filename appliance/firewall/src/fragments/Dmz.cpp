#include "../RuleText.h"
#include "../Services.h"
#include "Fragments.h"

namespace medbox::firewall {

// 50-dmz: the internet-facing NIC exposes the portal and nothing else.
// Address translation is the border firewall's job, not ours.
void renderDmz(const FirewallConfig& config, RulesetBuilder& b) {
    const auto nic = rule::quoted(config.interfaces.dmz);
    b.rule(BaseChain::Input, "iifname " + nic + " jump dmz_in");
    std::vector<std::string> in;
    for (const auto& src : rule::addressMatches("saddr", config.dmz.portalFrom))
        in.push_back(src + " tcp dport " + std::to_string(kPortalPort) + " accept");
    b.chain("dmz_in", std::move(in));

    if (config.dmz.outbound.empty()) return;
    b.rule(BaseChain::Output, "oifname " + nic + " jump dmz_out");
    std::vector<std::string> out;
    for (const auto& peer : config.dmz.outbound)
        for (auto& r : rule::peerOutbound(peer)) out.push_back(std::move(r));
    b.chain("dmz_out", std::move(out));
}

}  // namespace medbox::firewall
