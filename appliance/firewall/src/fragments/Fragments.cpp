#include "Fragments.h"

#include <array>

namespace medbox::firewall {

namespace {

// The single place the order is set. Gaps between the numbers leave room for
// new zones without renumbering.
constexpr std::array kFragments{
    Fragment{10, "base", renderBase}, Fragment{20, "management", renderManagement},
    Fragment{30, "ha", renderHa},     Fragment{40, "vendor", renderVendor},
    Fragment{50, "dmz", renderDmz},   Fragment{60, "lan", renderLan},
    Fragment{70, "gap", renderGap},   Fragment{90, "log-drop", renderLogDrop},
};

}  // namespace

std::span<const Fragment> fragments() { return kFragments; }

}  // namespace medbox::firewall
