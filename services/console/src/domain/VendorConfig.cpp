#include "domain/VendorConfig.h"

#include "domain/VendorRules.h"

#include "core/config/Settings.h"

namespace medbox::console {

VendorConfig readVendorConfig(const Settings& s) {
    VendorConfig c;
    c.maxWindowMinutes = static_cast<int>(s.integer("console.vendor.max_window_minutes", 240, 1, 72 * 60));
    c.requireApproval = s.flag("console.vendor.require_approval", false);
    c.interface = s.str("console.vendor.interface", "wg0");
    if (const auto why = vendor_rules::checkInterface(c.interface); !why.empty())
        throw ConfigError("console.vendor.interface: " + why);
    c.address = s.str("console.vendor.address", "10.8.0.1/24");
    if (!vendor_rules::parseTunnel(c.address))
        throw ConfigError("console.vendor.address: expected an IPv4 ADDRESS/PREFIX (8..30), e.g. 10.8.0.1/24");
    c.listenPort = static_cast<int>(s.integer("console.vendor.listen_port", 51820, 1, 65535));
    c.endpoint = s.str("console.vendor.endpoint", "");
    if (c.endpoint.size() > 200 || c.endpoint.find_first_of(" \t\r\n\"<>") != std::string::npos)
        throw ConfigError("console.vendor.endpoint: expected HOST:PORT");
    c.checkSeconds = static_cast<int>(s.integer("console.vendor.check_seconds", 5, 1, 60));
    return c;
}

}  // namespace medbox::console
