#include "../RuleText.h"
#include "Fragments.h"

namespace medbox::firewall {

// 70-gap (网闸 model): the inner network exists for us only as the gap
// device's address; every exchange passes through it, in both directions.
void renderGap(const FirewallConfig& config, RulesetBuilder& b) {
    if (!config.gap) return;
    const auto nic = rule::quoted(config.interfaces.gap);
    b.rule(BaseChain::Input, "iifname " + nic + " jump gap_in");
    b.chain("gap_in", rule::peerInbound(config.gap->device, config.mllpPort, config.hisPort));
    b.rule(BaseChain::Output, "oifname " + nic + " jump gap_out");
    b.chain("gap_out", rule::peerOutbound(config.gap->device));
}

}  // namespace medbox::firewall
