#include "domain/FirewallTimeConfig.h"

#include "core/config/Settings.h"

namespace medbox::console {

FirewallTimeConfig readFirewallTimeConfig(const Settings& s) {
    FirewallTimeConfig c;
    c.confirmSeconds = static_cast<int>(s.integer("console.firewall_confirm_seconds", 60, 10, 600));
    c.appliedFile = s.str("data.dir", "./data") + "/firewall-applied.json";
    c.timedatectl = s.str("console.timedatectl", c.timedatectl);
    if (c.timedatectl.empty() || c.timedatectl[0] != '/') throw ConfigError("console.timedatectl: an absolute path");
    c.syncFile = s.str("console.time_sync_file", c.syncFile);
    return c;
}

}  // namespace medbox::console
