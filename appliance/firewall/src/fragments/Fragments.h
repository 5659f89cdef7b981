#pragma once

#include "../FirewallConfig.h"
#include "../RulesetBuilder.h"

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medbox::firewall {

// One numbered section of the ruleset. The number sets the order in which
// fragments add their rules to the base chains (CONVENTIONS: "numbers set
// the order"): base rules first, then zones, the logged drop last.
struct Fragment {
    int number;
    std::string_view name;
    void (*render)(const FirewallConfig& config, RulesetBuilder& builder);
};

// All fragments, in ascending number; each decides itself whether the
// configuration needs it (the gap fragment adds nothing to a frontend profile).
std::span<const Fragment> fragments();

// (zone, NIC) of every zone the profile uses, in a fixed order: the names of
// the per-zone drop counters (drop_in_<zone>, drop_out_<zone>).
std::vector<std::pair<std::string, std::string>> zoneNics(const FirewallConfig& config);

void renderBase(const FirewallConfig& config, RulesetBuilder& builder);        // 10
void renderManagement(const FirewallConfig& config, RulesetBuilder& builder);  // 20
void renderHa(const FirewallConfig& config, RulesetBuilder& builder);          // 30
void renderVendor(const FirewallConfig& config, RulesetBuilder& builder);      // 40
void renderDmz(const FirewallConfig& config, RulesetBuilder& builder);         // 50
void renderLan(const FirewallConfig& config, RulesetBuilder& builder);         // 60
void renderGap(const FirewallConfig& config, RulesetBuilder& builder);         // 70
void renderLogDrop(const FirewallConfig& config, RulesetBuilder& builder);     // 90

}  // namespace medbox::firewall
