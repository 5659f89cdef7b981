#pragma once
// Compares an Inventory (what a machine has) with an HwProfile (what its
// server role needs) and reports every check, mismatches included, with the
// expected and the found value. Pure functions over plain data, so fixtures
// and the real machine go through exactly the same comparison.
#include "HwInventory.h"
#include "HwProfile.h"

#include <string>
#include <vector>

namespace medbox::ctl {

struct CheckResult {
    std::string id;  // stable: cpu.sockets, memory.totalMiB, disks.<role>, nics.<role>, fcHbas, powerSupplies
    bool ok = false;
    std::string expected;
    std::string found;
    std::string why;  // from the profile
};

struct HwReport {
    std::string profile;
    std::string title;
    std::string root;
    std::vector<CheckResult> checks;
    std::vector<std::string> notes;  // what the inventory could not read
    std::size_t mismatches() const;
    bool matches() const { return mismatches() == 0; }
};

HwReport checkHardware(const HwProfile& profile, const Inventory& inventory);

// One line per check ("MISMATCH id: expected ..., found ..."), then a summary.
std::string formatReportText(const HwReport& report);
std::string formatReportJson(const HwReport& report);

}  // namespace medbox::ctl
