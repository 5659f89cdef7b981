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
};

// From `nft -j list table inet medbox`; nothing if the text is not that.
// libnftables 1.0.6 leaves the table comment out of its JSON, so it is read
// from the text listing with tableComment().
std::optional<ProfileStatus> parseStatus(const std::string& nftJson);

// The `comment "..."` of the table in `nft list table` text output.
std::string tableComment(const std::string& nftText);

std::string formatStatus(const ProfileStatus& status);

}  // namespace medbox::firewall
