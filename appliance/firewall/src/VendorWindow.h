#pragma once

#include "Address.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::firewall {

// The sets that hold open vendor access windows (tunnel addresses of the
// vendor's WireGuard peers). Declared by the 40-vendor fragment.
inline constexpr std::string_view kWindowSet4 = "vendor_window";
inline constexpr std::string_view kWindowSet6 = "vendor_window6";

// A window longer than a long weekend is a standing door, not a window.
inline constexpr long kMaxWindowSeconds = 72L * 3600;

std::string_view windowSet(Family family);

// nftables commands for the window operations. Adding an element that is
// already there refreshes its timeout, so re-opening extends a window.
std::string openWindowCommand(const Cidr& network, long seconds);
std::string closeWindowCommand(const Cidr& network);

struct OpenWindow {
    std::string network;
    long timeoutSeconds = 0;
    long expiresSeconds = 0;
};

// Reads the elements of a window set from `nft -j list set` output. Returns
// nothing if the text is not the JSON libnftables writes.
std::optional<std::vector<OpenWindow>> parseOpenWindows(const std::string& nftJson);

// "1h59m3s"
std::string formatDuration(long seconds);

}  // namespace medbox::firewall
