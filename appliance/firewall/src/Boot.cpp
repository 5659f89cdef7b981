#include "Boot.h"

#include "Address.h"
#include "ApplyProfile.h"
#include "BootProfile.h"
#include "Cli.h"
#include "Nft.h"
#include "PendingChange.h"
#include "RulesetGenerator.h"

#include <chrono>
#include <cstdlib>
#include <ostream>
#include <sstream>
#include <thread>

namespace medbox::firewall {

namespace {

// journald reads a "<N>" prefix as the line's priority (sd-daemon(3)); 3 = err.
std::string errPrefix() { return std::getenv("JOURNAL_STREAM") ? "<3>" : ""; }

// Why the saved profile cannot be loaded, or "" once it is loaded.
std::string loadActive(Nft& nft, const StatePaths& paths, long waitSeconds, std::ostream& out) {
    std::ostringstream why;
    const auto config = loadProfile(paths.active(), why);
    if (!config) return why.str();
    // udev may still be renaming NICs (the .link files) this early.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(waitSeconds);
    auto missing = missingInterfaces(config->interfaces);
    while (!missing.empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        missing = missingInterfaces(config->interfaces);
    }
    if (!missing.empty()) {
        for (const auto& m : missing) why << paths.active() << ": " << m << "\n";
        return why.str();
    }
    if (!replaceRuleset(nft, transactionBuffer(*config), paths.active(), why)) return why.str();
    out << "loaded the saved profile " << paths.active() << " (model " << modelName(config->model) << ", sha256 "
        << config->digest.substr(0, 16) << ")\n";
    return "";
}

}  // namespace

int bootLoad(const std::string& managementNic, long waitSeconds, const StatePaths& paths, std::ostream& out,
             std::ostream& err) {
    if (!isValidInterfaceName(managementNic)) {
        err << "boot: '" << managementNic
            << "' is not a valid interface name (--management or MEDBOX_MANAGEMENT_NIC)\n";
        return kExitUsage;
    }
    // A change that waited for confirmation is forgotten: the confirmed
    // profile is what a revert would have restored.
    forgetPending(paths);
    Nft nft;
    std::string why = "no saved profile (" + paths.active() + "): nothing has been applied yet";
    if (fileExists(paths.active())) {
        why = loadActive(nft, paths, waitSeconds, out);
        if (why.empty()) return kExitOk;
        // A NIC replaced, a file damaged: the appliance stays reachable on the
        // management NIC, and the journal says why.
        std::istringstream lines(why);
        for (std::string line; std::getline(lines, line);) err << errPrefix() << line << "\n";
        err << errPrefix() << "boot: the saved profile was not loaded; loading the default boot profile\n";
    } else {
        out << why << "\n";
    }
    if (!replaceRuleset(nft, bootTransactionBuffer(managementNic), "default boot profile", err)) {
        err << errPrefix() << "boot: no ruleset could be loaded\n";
        return kExitNftables;
    }
    out << "loaded the default boot profile: only " << managementNic
        << " is open (SSH and the console), every other interface drops everything\n";
    return kExitOk;
}

}  // namespace medbox::firewall
