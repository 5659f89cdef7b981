#include "Cli.h"

#include "FirewallConfig.h"
#include "Nft.h"
#include "RulesetBuilder.h"
#include "RulesetGenerator.h"
#include "Status.h"
#include "VendorWindow.h"

#include <charconv>
#include <net/if.h>
#include <ostream>

namespace medbox::firewall {

namespace {

constexpr const char* kUsage =
    "usage: medbox-firewall COMMAND\n"
    "  check FILE                 validate FILE and dry-run its ruleset (like nft -c)\n"
    "  render FILE                print the nftables transaction generated from FILE\n"
    "  apply FILE [--force]       validate, dry-run, then replace table inet medbox in one transaction;\n"
    "                             refused when FILE names a network interface this machine does not\n"
    "                             have, unless --force\n"
    "  window open CIDR --hours N | --seconds N\n"
    "                             let vendor tunnel addresses CIDR reach the console for a while\n"
    "  window close CIDR          close that window now\n"
    "  status                     show the running profile, drop counters and open windows\n";

std::string tableName() { return std::string(kTableFamily) + " " + std::string(kTableName); }

std::optional<FirewallConfig> load(const std::string& path, std::ostream& err) {
    auto result = loadFirewallConfig(path);
    if (!result.ok()) {
        err << path << ": refused, nothing changed:\n" << formatErrors(result.errors);
        return std::nullopt;
    }
    return std::move(result.config);
}

int check(Nft& nft, const FirewallConfig& config, const std::string& path, std::ostream& err) {
    const auto result = nft.check(transactionBuffer(config));
    if (!result.ok) {
        err << path << ": nftables rejected the generated ruleset, nothing changed:\n" << result.error;
        return kExitNftables;
    }
    return kExitOk;
}

int cmdCheck(const std::string& path, std::ostream& out, std::ostream& err) {
    const auto config = load(path, err);
    if (!config) return kExitRefused;
    Nft nft;
    if (const int rc = check(nft, *config, path, err)) return rc;
    out << path << ": ok (model " << modelName(config->model) << ")\n";
    return kExitOk;
}

int cmdRender(const std::string& path, std::ostream& out, std::ostream& err) {
    const auto config = load(path, err);
    if (!config) return kExitRefused;
    // Exactly what apply sends, so `render FILE | nft -f -` is equivalent.
    out << transactionBuffer(*config);
    return kExitOk;
}

// The zones' interfaces that do not exist here. The vendor interface is left
// out: WireGuard creates it when the tunnel comes up, after the firewall.
std::vector<std::string> missingInterfaces(const Interfaces& nics) {
    std::vector<std::string> missing;
    for (const auto& [zone, name] :
         {std::pair{"dmz", &nics.dmz}, std::pair{"lan", &nics.lan}, std::pair{"gap", &nics.gap},
          std::pair{"management", &nics.management}, std::pair{"ha", &nics.ha}}) {
        if (!name->empty() && ::if_nametoindex(name->c_str()) == 0)
            missing.push_back(std::string("interfaces.") + zone + ": no network interface \"" + *name +
                              "\" on this machine");
    }
    return missing;
}

int cmdApply(const std::string& path, bool force, std::ostream& out, std::ostream& err) {
    const auto config = load(path, err);
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
    Nft nft;
    // The dry run gives a clean "nothing changed" answer before we touch
    // anything; the transaction would also roll back on its own.
    if (const int rc = check(nft, *config, path, err)) return rc;
    const auto result = nft.run(transactionBuffer(*config));
    if (!result.ok) {
        err << path << ": applying failed, the previous ruleset is still in force:\n" << result.error;
        return kExitNftables;
    }
    out << "applied " << path << " (model " << modelName(config->model) << ", sha256 " << config->digest.substr(0, 16)
        << "); open vendor windows were closed\n";
    return kExitOk;
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

int cmdStatus(std::ostream& out, std::ostream& err) {
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
    out << formatStatus(*status);
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
    if (args.size() == 2 && command == "apply") return cmdApply(args[1], false, out, err);
    if (args.size() == 3 && command == "apply" && args[2] == "--force") return cmdApply(args[1], true, out, err);
    if (command == "window") return cmdWindow(args, out, err);
    if (args.size() == 1 && command == "status") return cmdStatus(out, err);
    if (command == "--help" || command == "help") {
        out << kUsage;
        return kExitOk;
    }
    err << kUsage;
    return kExitUsage;
}

}  // namespace medbox::firewall
