#pragma once
// A server profile from hwprofiles/*.json: the minimum hardware one server
// role of the self-built model needs (format in hwprofiles/README.md).
// Loading validates strictly: an unknown key, a wrong type or an impossible
// value is a ProfileError naming the file and the key path, so a typo in a
// profile can never silently weaken a check. Plain data once loaded.
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace medbox::ctl {

class ProfileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Minimum {
    double min = 0;
    std::string why;
};

struct DiskGroup {
    std::string role;  // "system", "data", ...
    int count = 1;
    double minSizeGB = 0;                       // decimal GB, as disks are sold
    std::vector<std::string> transports;        // accepted: sas, sata, nvme, raid, virtio, usb, other
    std::optional<double> raidVolumeMinSizeGB;  // one hardware-RAID volume of this size may stand in
    std::string why;
};

struct NicGroup {
    std::string role;  // dmz, lan, mgmt, ha, ...
    int count = 1;
    int minSpeedMbps = 0;
    std::vector<std::string> carries;  // networks sharing the port(s), for the image's network config
    std::string why;
};

struct FcRequirement {
    int count = 0;         // FC ports (fc_host entries)
    int minSpeedGbit = 0;  // highest supported speed must reach this
    std::string why;
};

struct Partition {
    std::string mount;
    double minGiB = 0;
    std::string why;
};

struct HwProfile {
    std::string name;
    std::string title;
    std::string source;
    std::optional<Minimum> quantity;  // how many such servers the spec buys (informational)

    std::optional<Minimum> cpuSockets;
    std::optional<Minimum> cpuThreadsPerSocket;
    std::optional<Minimum> cpuFrequencyMHz;
    std::optional<Minimum> cpuCachePerSocketMiB;

    std::optional<Minimum> memoryMiB;
    double memoryTolerancePercent = 0;  // MemTotal is below installed RAM

    std::vector<DiskGroup> disks;
    std::vector<NicGroup> nics;
    std::optional<FcRequirement> fcHbas;
    std::optional<Minimum> powerSupplies;

    // For the image builder (images/); hw check does not compare it.
    std::vector<Partition> layout;
    std::string layoutWhy;
};

// Parses and validates a profile; `origin` names it in error messages.
HwProfile parseProfile(const std::string& json, const std::string& origin);
HwProfile loadProfileFile(const std::filesystem::path& file);

// "NAME" (letters, digits, '-') is looked up as NAME.json in the profile
// directories; anything with a '/' or ending in ".json" is a file path.
// Directories: $MEDBOX_HWPROFILES_DIR (':'-separated), then the installed
// ones. Throws ProfileError when nothing is found.
HwProfile findProfile(const std::string& nameOrFile);

// Where findProfile looks, in order.
std::vector<std::filesystem::path> profileDirectories();

}  // namespace medbox::ctl
