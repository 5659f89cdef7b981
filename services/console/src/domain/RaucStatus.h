#pragma once
// RAUC's view of the A/B root slots, parsed from `rauc status --detailed
// --output-format=json` (RAUC 1.8; the setup helper's update-status verb runs
// it). Only the rootfs slots matter to the update page; a missing or
// malformed field is left empty rather than guessed.
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace medbox::console {

struct RaucSlot {
    std::string name{};         // "rootfs.0"
    std::string bootname{};     // "A"
    std::string device{};       // "/dev/sda3"
    std::string state{};        // "booted", "active", "inactive"
    std::string bootStatus{};   // "good", "bad", "" (unknown)
    std::string version{};      // the bundle version written into the slot
    std::string bundleHash{};   // its manifest hash
    std::string installedAt{};  // ISO time of the last write, as RAUC says it
    std::string activatedAt{};
    bool booted = false;
    bool primary = false;  // boots next
};

struct RaucStatus {
    std::string compatible{};
    std::string booted{};           // bootname of the running slot ("A")
    std::string bootPrimary{};      // slot name that boots next ("rootfs.1")
    std::vector<RaucSlot> slots{};  // rootfs slots, in RAUC's order

    const RaucSlot* bootedSlot() const;
    // The rootfs slot that is not running: where an install goes.
    const RaucSlot* otherSlot() const;
    const RaucSlot* byBootname(const std::string& bootname) const;
};

// Throws AppError(UnitFailed) when `status` is not RAUC's shape.
RaucStatus parseRaucStatus(const Poco::JSON::Object::Ptr& status);
Poco::JSON::Object::Ptr toJson(const RaucStatus& status);

}  // namespace medbox::console
