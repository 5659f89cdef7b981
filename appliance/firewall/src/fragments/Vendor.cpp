#include "../RuleText.h"
#include "../Services.h"
#include "../VendorWindow.h"
#include "Fragments.h"

namespace medbox::firewall {

// 40-vendor: vendor support reaches the console through WireGuard, and only
// while an administrator has an access window open. A window is an element
// of a set with a timeout, so it closes by itself even if nobody remembers.
void renderVendor(const FirewallConfig& config, RulesetBuilder& b) {
    if (!config.vendor) return;
    const auto& vendor = *config.vendor;
    b.declare("set " + std::string(kWindowSet4) + " {\n\ttype ipv4_addr\n\tflags interval, timeout\n}");
    b.declare("set " + std::string(kWindowSet6) + " {\n\ttype ipv6_addr\n\tflags interval, timeout\n}");

    const auto endpoint = rule::quoted(vendor.endpoint == "management" ? config.interfaces.management
                                                                       : config.interfaces.dmz);
    const auto wg = std::to_string(kWireguardPort);
    for (const auto& src : rule::addressMatches("saddr", vendor.endpointFrom))
        b.rule(BaseChain::Input, "iifname " + endpoint + " " + src + " udp dport " + wg + " accept");
    b.rule(BaseChain::Input, "iifname " + rule::quoted(config.interfaces.vendor) + " jump vendor_in");
    const auto console = std::to_string(kConsolePort);
    b.chain("vendor_in", {"ip saddr @" + std::string(kWindowSet4) + " tcp dport " + console + " accept",
                          "ip6 saddr @" + std::string(kWindowSet6) + " tcp dport " + console + " accept"});
    // WireGuard may send a handshake to a peer whose conntrack entry has
    // expired; without this the tunnel stalls until the vendor side speaks.
    b.rule(BaseChain::Output, "oifname " + endpoint + " udp sport " + wg + " accept");
}

}  // namespace medbox::firewall
