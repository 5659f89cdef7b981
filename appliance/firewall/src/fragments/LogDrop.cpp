#include "../RuleText.h"
#include "Fragments.h"

namespace medbox::firewall {

namespace {

// Enough to see a scan or a misconfigured peer in the journal, not enough
// for a flood to fill it.
constexpr const char* kLogLimit = "limit rate 10/minute burst 20 packets";

std::string logRule(const char* prefix) { return std::string(kLogLimit) + " log prefix \"" + prefix + "\" level info"; }

}  // namespace

std::vector<std::pair<std::string, std::string>> zoneNics(const FirewallConfig& config) {
    std::vector<std::pair<std::string, std::string>> out;
    const auto& i = config.interfaces;
    for (const auto& [zone, nic] : {std::pair<const char*, const std::string*>{"dmz", &i.dmz},
                                    {"lan", &i.lan},
                                    {"gap", &i.gap},
                                    {"management", &i.management},
                                    {"ha", &i.ha},
                                    {"vendor", &i.vendor}})
        if (!nic->empty()) out.emplace_back(zone, *nic);
    return out;
}

// 90-log-drop: count every packet that reaches the end, log a few, drop.
// Named counters let `medbox-firewall status` (and the tests) read them.
void renderLogDrop(const FirewallConfig& config, RulesetBuilder& b) {
    for (const char* name : {"drop_input", "drop_forward", "drop_output"})
        b.declare("counter " + std::string(name) + " {\n}");
    // Per zone too (drop_in_<zone>, drop_out_<zone>): the console's firewall
    // page shows recent drops per zone. A rule without a verdict only counts.
    const auto zones = zoneNics(config);
    for (const auto& [zone, nic] : zones) {
        b.declare("counter drop_in_" + zone + " {\n}");
        b.rule(BaseChain::Input, "iifname " + rule::quoted(nic) + " counter name \"drop_in_" + zone + "\"");
    }
    b.rule(BaseChain::Input, "counter name \"drop_input\"");
    b.rule(BaseChain::Input, logRule("medbox drop in: "));
    b.rule(BaseChain::Forward, "counter name \"drop_forward\"");
    b.rule(BaseChain::Forward, logRule("medbox drop fwd: "));

    // Outbound is restricted on every zone NIC except management, whose
    // network carries the appliance's own DNS, NTP and updates.
    std::vector<std::string> restricted;
    for (const auto* nic : {&config.interfaces.dmz, &config.interfaces.lan, &config.interfaces.gap,
                            &config.interfaces.ha, &config.interfaces.vendor})
        if (!nic->empty()) restricted.push_back(rule::quoted(*nic));
    std::string set = "{ ";
    for (std::size_t i = 0; i < restricted.size(); ++i) set += (i ? ", " : "") + restricted[i];
    set += " }";
    b.rule(BaseChain::Output, "oifname " + set + " jump output_drop");
    std::vector<std::string> outputDrop;
    for (const auto& [zone, nic] : zones) {
        if (zone == "management") continue;  // never jumps here
        b.declare("counter drop_out_" + zone + " {\n}");
        outputDrop.push_back("oifname " + rule::quoted(nic) + " counter name \"drop_out_" + zone + "\"");
    }
    outputDrop.insert(outputDrop.end(), {"counter name \"drop_output\"", logRule("medbox drop out: "), "drop"});
    b.chain("output_drop", outputDrop);
}

}  // namespace medbox::firewall
