#pragma once

#include "Address.h"
#include "ConfigError.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::firewall {

// The two network models of the seed documents.
enum class Model {
    Frontend,  // 前置机: DMZ NIC + hospital LAN NIC
    Gap,       // 网闸: DMZ NIC + a NIC towards the gap device only
};

std::string_view modelName(Model model);

// A host (or network) the appliance exchanges traffic with: `tcp`/`udp` are
// the ports the appliance may connect to, `inbound` the LAN-facing medbox
// services the host may connect to.
struct Peer {
    std::string name;
    Cidr address;
    std::vector<std::uint16_t> tcp;
    std::vector<std::uint16_t> udp;
    std::vector<std::string> inbound;
};

// Interface names by zone, from the hardware profile. Empty: zone not used.
struct Interfaces {
    std::string dmz;
    std::string lan;
    std::string gap;
    std::string management;
    std::string ha;
    std::string vendor;
};

struct DmzZone {
    std::vector<Cidr> portalFrom;  // default: anyone (the border firewall NATs)
    std::vector<Peer> outbound;    // default: none
};

struct LanZone {
    std::vector<Peer> peers;  // HIS, LIS, queue system, DNS, NTP, ...
    std::vector<Cidr> staff;  // may reach the service desk
};

struct GapZone {
    Peer device;  // the gap device; name "gap-device"
};

struct ManagementZone {
    std::vector<Cidr> adminSubnets;
};

struct HaZone {
    Cidr peer;
};

struct VendorZone {
    std::string endpoint = "dmz";    // zone whose NIC receives WireGuard
    std::vector<Cidr> endpointFrom;  // default: anyone
};

// A validated profile: every field has passed the checks in
// parseFirewallConfig, so the generator needs no error paths.
struct FirewallConfig {
    Model model = Model::Frontend;
    Interfaces interfaces;
    DmzZone dmz;
    std::optional<LanZone> lan;  // frontend model only
    std::optional<GapZone> gap;  // gap model only
    ManagementZone management;
    std::optional<HaZone> ha;
    std::optional<VendorZone> vendor;
    // "mllp_port": where hisbridge's HL7 listener is (its hisbridge.mllp.port);
    // opened to LAN peers and the gap device granted "mllp" only.
    std::uint16_t mllpPort = 2575;
    // "his_port": where hisbridge's HIS socket listener is (its
    // hisbridge.his.port); opened to peers granted "his" only.
    std::uint16_t hisPort = 2576;
    std::string digest;  // SHA-256 of the file, shown by `status`
};

struct ConfigResult {
    std::optional<FirewallConfig> config;  // set only when `errors` is empty
    std::vector<ConfigError> errors;
    bool ok() const { return config.has_value(); }
};

// The configuration file is at most this large; it names a few dozen hosts.
inline constexpr std::size_t kMaxConfigBytes = 256 * 1024;

// Parses and validates a configuration document. Never throws on bad input:
// every problem is returned with its key path.
ConfigResult parseFirewallConfig(std::string_view json);

// Reads the file (bounded by kMaxConfigBytes) and parses it.
ConfigResult loadFirewallConfig(const std::string& path);

}  // namespace medbox::firewall
