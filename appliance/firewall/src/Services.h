#pragma once

#include "medbox/ServiceTable.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace medbox::firewall {

enum class Protocol { Tcp, Udp };

// The fixed listening ports of medbox. One table so that the generator, the
// configuration validator and the documentation cannot disagree about them;
// the medbox services' rows come from cmake/services.cmake (generated
// medbox/ServiceTable.h), the others (MLLP, the HIS socket interface, replication, SSH, WireGuard) are
// listed in Services.cpp.
struct Service {
    std::string_view name;
    std::uint16_t port;
    Protocol protocol;
    // Whether a LAN peer or the gap device may be granted access to it
    // ("inbound" in the configuration). Everything else is either bound to
    // its own zone (portal: DMZ, console/ssh: management, ...) or internal to
    // the appliance and never reachable from any interface.
    bool lanFacing;
};

inline constexpr std::uint16_t kPortalPort = service_table::kPortalPort;
inline constexpr std::uint16_t kServicedeskPort = service_table::kServicedeskPort;
inline constexpr std::uint16_t kConsolePort = service_table::kConsolePort;
inline constexpr std::uint16_t kMllpPort = 2575;
inline constexpr std::uint16_t kHisPort = 2576;  // hisbridge's HIS socket interface (docs/his-protocol.md)
inline constexpr std::uint16_t kReplicationPort = 9444;
inline constexpr std::uint16_t kSshPort = 22;
inline constexpr std::uint16_t kWireguardPort = 51820;
inline constexpr std::uint8_t kVrrpProtocol = 112;

std::span<const Service> allServices();
std::optional<Service> findService(std::string_view name);

}  // namespace medbox::firewall
