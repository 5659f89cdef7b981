#pragma once
// The console.vendor.* keys: vendor access over WireGuard (docs/console.md,
// "Vendor access"). Read with the other console keys by readConsoleConfig().
#include <string>

namespace medbox {
class Settings;
}

namespace medbox::console {

struct VendorConfig {
    // console.vendor.max_window_minutes: the longest window an admin may
    // open (1..4320: the firewall's own limit is 72 h).
    int maxWindowMinutes = 240;
    // console.vendor.require_approval: a second admin approves before it opens.
    bool requireApproval = false;
    // console.vendor.interface: the WireGuard interface, as the firewall
    // profile's interfaces.vendor names it.
    std::string interface = "wg0";
    // console.vendor.address: the appliance's address in the tunnel, with
    // the tunnel's prefix (IPv4); the vendor's address must be inside it.
    std::string address = "10.8.0.1/24";
    // console.vendor.listen_port: WireGuard's UDP port (the firewall opens
    // 51820 on the vendor endpoint NIC).
    int listenPort = 51820;
    // console.vendor.endpoint: HOST:PORT the vendor's client connects to
    // (the border firewall's public address); shown on the page.
    std::string endpoint{};
    // console.vendor.check_seconds: how often the console looks for windows
    // whose time has run out (the firewall's own timeout closes the zone
    // to the second; this removes the tunnel and ends the vendor's sign-ins).
    int checkSeconds = 5;
};

VendorConfig readVendorConfig(const Settings& settings);

}  // namespace medbox::console
