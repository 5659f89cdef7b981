#pragma once

#include "FirewallConfig.h"

#include <string>

namespace medbox::firewall {

// The `table inet medbox { ... }` text for a validated profile, fragments in
// number order. Pure: no system access, so `render` works without privileges.
std::string renderRuleset(const FirewallConfig& config);

// The one buffer that replaces the running table in a single transaction:
// "add table" makes the "delete table" valid on a first apply, and the kernel
// commits all three or none, so there is never a moment without rules and a
// rejected buffer leaves the running ruleset as it was.
std::string transactionBuffer(const FirewallConfig& config);

}  // namespace medbox::firewall
