#include "Services.h"

#include <array>

namespace medbox::firewall {

namespace {

// Listeners that are not a medbox service's HTTPS port.
constexpr std::array kOtherListeners{
    Service{"mllp", kMllpPort, Protocol::Tcp, true},
    Service{"his", kHisPort, Protocol::Tcp, true},
    Service{"replication", kReplicationPort, Protocol::Tcp, false},
    Service{"ssh", kSshPort, Protocol::Tcp, false},
    Service{"wireguard", kWireguardPort, Protocol::Udp, false},
};

// The services' rows of cmake/services.cmake, then the other listeners.
constexpr auto kServices = [] {
    std::array<Service, service_table::kRows.size() + kOtherListeners.size()> all{};
    std::size_t i = 0;
    for (const auto& row : service_table::kRows) all[i++] = Service{row.name, row.port, Protocol::Tcp, row.inbound};
    for (const auto& other : kOtherListeners) all[i++] = other;
    return all;
}();

}  // namespace

std::span<const Service> allServices() { return kServices; }

std::optional<Service> findService(std::string_view name) {
    for (const auto& s : kServices)
        if (s.name == name) return s;
    return std::nullopt;
}

}  // namespace medbox::firewall
