#pragma once

#include "State.h"

#include <iosfwd>
#include <string>

namespace medbox::firewall {

// `medbox-firewall boot`, run by medbox-firewall.service before any network
// comes up: loads the saved profile (active.json) if it is valid, its NICs
// exist (waiting up to waitSeconds for udev to name them) and nftables takes
// it; otherwise, saying why, the default boot profile for managementNic.
// Never leaves an empty ruleset: exits non-zero only if even the default
// could not be loaded (the unit then fails and systemd-networkd, which
// requires it, does not start).
int bootLoad(const std::string& managementNic, long waitSeconds, const StatePaths& paths, std::ostream& out,
             std::ostream& err);

}  // namespace medbox::firewall
