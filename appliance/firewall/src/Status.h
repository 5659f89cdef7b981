#pragma once

#include "VendorWindow.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::firewall {

// What `medbox-firewall status` reports about the running table.
struct ProfileStatus {
    std::string comment;  // "medbox model=frontend sha256=..."
    std::uint64_t dropInput = 0;
    std::uint64_t dropForward = 0;
    std::uint64_t dropOutput = 0;
    std::vector<OpenWindow> windows;
    // drop_in_<zone> / drop_out_<zone> counters by zone name, in listing order.
    struct ZoneDrops {
        std::string zone;
        std::uint64_t in = 0;
        std::uint64_t out = 0;
    };
    std::vector<ZoneDrops> zones;
};

// From `nft -j list table inet medbox`; nothing if the text is not that.
// libnftables 1.0.6 leaves the table comment out of its JSON, so it is read
// from the text listing with tableComment().
std::optional<ProfileStatus> parseStatus(const std::string& nftJson);

// The `comment "..."` of the table in `nft list table` text output.
std::string tableComment(const std::string& nftText);

std::string formatStatus(const ProfileStatus& status);
// The same as one JSON object (`status --json`, read by the console's
// privileged helper): {comment, drops: {input, forward, output},
// zones: [{zone, in, out}], windows: [{network, timeoutSeconds, expiresSeconds}]}.
std::string formatStatusJson(const ProfileStatus& status);

}  // namespace medbox::firewall
