#include "Services.h"

#include <array>

namespace medbox::firewall {

namespace {

constexpr std::array kServices{
    Service{"portal", kPortalPort, Protocol::Tcp, false},
    Service{"booking", kBookingPort, Protocol::Tcp, false},
    Service{"hisbridge", kHisbridgePort, Protocol::Tcp, false},
    Service{"mllp", kMllpPort, Protocol::Tcp, true},
    Service{"alerting", kAlertingPort, Protocol::Tcp, false},
    Service{"servicedesk", kServicedeskPort, Protocol::Tcp, true},
    Service{"console", kConsolePort, Protocol::Tcp, false},
    Service{"replication", kReplicationPort, Protocol::Tcp, false},
    Service{"ssh", kSshPort, Protocol::Tcp, false},
    Service{"wireguard", kWireguardPort, Protocol::Udp, false},
};

}  // namespace

std::span<const Service> allServices() { return kServices; }

std::optional<Service> findService(std::string_view name) {
    for (const auto& s : kServices)
        if (s.name == name) return s;
    return std::nullopt;
}

}  // namespace medbox::firewall
