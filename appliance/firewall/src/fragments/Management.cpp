#include "../RuleText.h"
#include "../Services.h"
#include "Fragments.h"

namespace medbox::firewall {

// 20-management: console and SSH, from the administrators' networks only.
void renderManagement(const FirewallConfig& config, RulesetBuilder& b) {
    const auto& nic = config.interfaces.management;
    b.rule(BaseChain::Input, "iifname " + rule::quoted(nic) + " jump management_in");
    std::vector<std::string> rules;
    for (const auto& src : rule::addressMatches("saddr", config.management.adminSubnets))
        rules.push_back(src + " tcp dport " + rule::portSet({kSshPort, kConsolePort}) + " accept");
    b.chain("management_in", std::move(rules));
}

}  // namespace medbox::firewall
