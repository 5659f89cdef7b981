#include "Cli.h"

#include "ApplyProfile.h"
#include "Boot.h"
#include "FirewallConfig.h"
#include "Nft.h"
#include "RulesetBuilder.h"
#include "PendingChange.h"
#include "RulesetGenerator.h"
#include "State.h"
#include "Status.h"
#include "VendorWindow.h"

#include <charconv>
#include <cstdlib>
#include <ostream>

namespace medbox::firewall {

namespace {

constexpr const char* kUsage =
    "usage: medbox-firewall COMMAND\n"
    "  check FILE                 validate FILE and dry-run its ruleset (like nft -c)\n"
    "  render FILE                print the nftables transaction generated from FILE\n"
    "  apply FILE [--force] [--confirm-within SECONDS]\n"
    "                             validate, dry-run, then replace table inet medbox in one transaction;\n"
    "                             refused when FILE names a network interface this machine does not\n"
    "                             have, unless --force. Saved as the profile loaded at boot; with\n"
    "                             --confirm-within, only once confirmed: otherwise the previous\n"
    "                             ruleset comes back by itself after SECONDS (1-3600)\n"
    "  confirm                    keep the change applied with --confirm-within (run it from a new\n"
    "                             connection, to prove the new ruleset lets you in)\n"
    "  revert                     put the ruleset from before that change back now\n"
    "  boot [--management NIC] [--wait-interfaces SECONDS]\n"
    "                             at boot: load the saved profile, or if there is none or it cannot be\n"
    "                             loaded, the default boot profile (only NIC open: SSH and the console)\n"
    "  window open CIDR --hours N | --seconds N\n"
    "                             let vendor tunnel addresses CIDR reach the console for a while\n"
    "  window close CIDR          close that window now\n"
    "  status [--json]            show the running profile, drop counters (also per zone) and open windows\n";

std::string tableName() { return std::string(kTableFamily) + " " + std::string(kTableName); }

int cmdCheck(const std::string& path, std::ostream& out, std::ostream& err) {
    const auto config = loadProfile(path, err);
    if (!config) return kExitRefused;
    Nft nft;
    if (const auto result = nft.check(transactionBuffer(*config)); !result.ok) {
        err << path << ": nftables rejected the generated ruleset, nothing changed:\n" << result.error;
        return kExitNftables;
    }
    out << path << ": ok (model " << modelName(config->model) << ")\n";
    return kExitOk;
}

int cmdRender(const std::string& path, std::ostream& out, std::ostream& err) {
    const auto config = loadProfile(path, err);
    if (!config) return kExitRefused;
    // Exactly what apply sends, so `render FILE | nft -f -` is equivalent.
    out << transactionBuffer(*config);
    return kExitOk;
}

std::optional<long> parsePositive(const std::string& text);

int cmdApply(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const std::string& path = args[1];
    bool force = false;
    long confirmSeconds = 0;
    for (std::size_t i = 2; i < args.size(); ++i) {
        if (args[i] == "--force") {
            force = true;
        } else if (args[i] == "--confirm-within" && i + 1 < args.size()) {
            const auto seconds = parsePositive(args[++i]);
            if (!seconds || *seconds > kMaxConfirmSeconds) {
                err << "apply: --confirm-within must be a whole number of seconds from 1 up to " << kMaxConfirmSeconds
                    << "\n";
                return kExitRefused;
            }
            confirmSeconds = *seconds;
        } else {
            err << kUsage;
            return kExitUsage;
        }
    }
    const auto config = loadProfile(path, err);
    if (!config) return kExitRefused;
    if (const auto missing = missingInterfaces(config->interfaces); !missing.empty()) {
        for (const auto& m : missing) err << path << ": " << m << "\n";
        if (!force) {
            err << path
                << ": refused, nothing changed: rules for interfaces that do not exist would drop "
                   "everything on the real ones, SSH included (check the names with `ip link`, or pass "
                   "--force to apply anyway)\n";
            return kExitRefused;
        }
        err << path << ": applying anyway (--force)\n";
    }
    const auto paths = StatePaths::fromEnvironment();
    if (confirmSeconds > 0) return applyWithConfirm(path, *config, confirmSeconds, paths, out, err);

    StateLock lock(paths.lock());
    if (changePending(paths)) {
        err << path << ": refused, nothing changed: an earlier change waits for its confirmation "
            << "(medbox-firewall confirm, or medbox-firewall revert)\n";
        return kExitRefused;
    }
    const auto profile = readSmallFile(path, kMaxConfigBytes);  // the bytes to save, read before anything changes
    if (!profile) {
        err << path << ": cannot read it again to save it, nothing changed\n";
        return kExitRefused;
    }
    Nft nft;
    if (!replaceRuleset(nft, transactionBuffer(*config), path, err)) return kExitNftables;
    out << "applied " << path << " (model " << modelName(config->model) << ", sha256 " << config->digest.substr(0, 16)
        << "); open vendor windows were closed\n";
    if (const auto problem = writeFileAtomically(paths.active(), *profile, 0600); !problem.empty()) {
        err << "apply: the ruleset is in force but was not saved for the next boot: " << problem << "\n";
        return kExitState;
    }
    out << "saved as " << paths.active() << " (loaded at boot)\n";
    return kExitOk;
}

std::string managementNicFromEnvironment() {
    const char* nic = std::getenv("MEDBOX_MANAGEMENT_NIC");
    return nic ? nic : "";
}

int cmdBoot(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string nic = managementNicFromEnvironment();
    long wait = 10;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--management" && i + 1 < args.size()) {
            nic = args[++i];
        } else if (args[i] == "--wait-interfaces" && i + 1 < args.size()) {
            const auto seconds = args[i + 1] == "0" ? std::optional<long>(0) : parsePositive(args[i + 1]);
            ++i;
            if (!seconds || *seconds > 300) {
                err << "boot: --wait-interfaces must be a whole number of seconds from 0 up to 300\n";
                return kExitUsage;
            }
            wait = *seconds;
        } else {
            err << kUsage;
            return kExitUsage;
        }
    }
    return bootLoad(nic, wait, StatePaths::fromEnvironment(), out, err);
}

int cmdRevert(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string id;
    long after = 0;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--id" && i + 1 < args.size()) {
            id = args[++i];
        } else if (args[i] == "--after" && i + 1 < args.size() && !id.empty()) {
            const auto seconds = parsePositive(args[++i]);
            if (!seconds || *seconds > kMaxConfirmSeconds) return kExitUsage;
            after = *seconds;
        } else {
            err << kUsage;
            return kExitUsage;
        }
    }
    const auto paths = StatePaths::fromEnvironment();
    const int rc = revertChange(paths, id, after, out, err);
    // Only if nftables refused its own listing: the saved profile, or the
    // default boot profile, is the safe state.
    if (rc == kExitNftables && !managementNicFromEnvironment().empty())
        return bootLoad(managementNicFromEnvironment(), 0, paths, out, err);
    return rc;
}

std::optional<long> parsePositive(const std::string& text) {
    long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

std::optional<Cidr> windowNetwork(const std::string& text, std::ostream& err) {
    std::string error;
    auto network = parseCidr(text, error);
    if (!network) err << "window: " << error << "\n";
    return network;
}

int cmdWindow(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const bool open = args.size() == 5 && args[1] == "open";
    const bool close = args.size() == 3 && args[1] == "close";
    if (!open && !close) {
        err << kUsage;
        return kExitUsage;
    }
    const auto network = windowNetwork(args[2], err);
    if (!network) return kExitRefused;
    long seconds = 0;
    if (open) {
        const auto amount = parsePositive(args[4]);
        const long unit = args[3] == "--hours" ? 3600 : args[3] == "--seconds" ? 1 : 0;
        if (unit == 0) {
            err << kUsage;
            return kExitUsage;
        }
        if (!amount || *amount > kMaxWindowSeconds / unit) {
            err << "window: " << args[3] << " must be a whole number from 1 up to " << kMaxWindowSeconds / unit << " ("
                << formatDuration(kMaxWindowSeconds) << ")\n";
            return kExitRefused;
        }
        seconds = *amount * unit;
    }
    Nft nft;
    const auto set = std::string(windowSet(network->family));
    if (!nft.run("list set " + tableName() + " " + set).ok) {
        err << "window: the running ruleset has no set " << set
            << "; apply a profile with a \"vendor\" section first\n";
        return kExitNoProfile;
    }
    const auto result = nft.run(open ? openWindowCommand(*network, seconds) : closeWindowCommand(*network));
    if (!result.ok) {
        err << "window: nftables refused: " << result.error;
        return kExitNftables;
    }
    if (open)
        out << "vendor window open for " << network->text() << ", closes by itself in " << formatDuration(seconds)
            << "\n";
    else
        out << "vendor window closed for " << network->text() << "\n";
    return kExitOk;
}

int cmdStatus(bool json, std::ostream& out, std::ostream& err) {
    Nft nft;
    const auto text = nft.run("list table " + tableName());
    if (!text.ok) {
        err << "status: no table " << tableName() << " in this network namespace\n";
        return kExitNoProfile;
    }
    const auto result = nft.runJson("list table " + tableName());
    auto status = result.ok ? parseStatus(result.output) : std::nullopt;
    if (status) status->comment = tableComment(text.output);
    if (!status) {
        err << "status: cannot read the running table: " << result.error << "\n";
        return kExitNftables;
    }
    out << (json ? formatStatusJson(*status) : formatStatus(*status));
    return kExitOk;
}

}  // namespace

int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        err << kUsage;
        return kExitUsage;
    }
    const auto& command = args[0];
    if (args.size() == 2 && command == "check") return cmdCheck(args[1], out, err);
    if (args.size() == 2 && command == "render") return cmdRender(args[1], out, err);
    if (args.size() >= 2 && command == "apply") return cmdApply(args, out, err);
    if (args.size() == 1 && command == "confirm") return confirmChange(StatePaths::fromEnvironment(), out, err);
    if (command == "revert") return cmdRevert(args, out, err);
    if (command == "boot") return cmdBoot(args, out, err);
    if (command == "window") return cmdWindow(args, out, err);
    if (args.size() == 1 && command == "status") return cmdStatus(false, out, err);
    if (args.size() == 2 && command == "status" && args[1] == "--json") return cmdStatus(true, out, err);
    if (command == "--help" || command == "help") {
        out << kUsage;
        return kExitOk;
    }
    err << kUsage;
    return kExitUsage;
}

}  // namespace medbox::firewall
