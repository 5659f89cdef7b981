#pragma once
// The console.firewall_* and console.time_* keys: the firewall page and the
// time panel (docs/console.md, "Firewall" and "Time"). Read with the other
// console keys by readConsoleConfig().
#include <string>

namespace medbox {
class Settings;
}

namespace medbox::console {

struct FirewallTimeConfig {
    // console.firewall_confirm_seconds: the default confirm-or-revert window
    // of an apply from the firewall page (a request may ask for 10..600).
    int confirmSeconds = 60;
    // Where the console notes who applied the running profile and when
    // (data.dir/firewall-applied.json): active.json itself is root's.
    std::string appliedFile{};
    // console.timedatectl: the program that reads timedated and timesyncd
    // over D-Bus (tests point it at a fake).
    std::string timedatectl = "/usr/bin/timedatectl";
    // console.time_sync_file: timesyncd touches it at every synchronisation,
    // so its modification time is the last sync.
    std::string syncFile = "/var/lib/systemd/timesync/clock";
};

FirewallTimeConfig readFirewallTimeConfig(const Settings& settings);

}  // namespace medbox::console
