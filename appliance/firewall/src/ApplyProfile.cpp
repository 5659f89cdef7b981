#include "ApplyProfile.h"

#include "Nft.h"
#include "RulesetBuilder.h"

#include <net/if.h>
#include <ostream>

namespace medbox::firewall {

namespace {

std::string tableName() { return std::string(kTableFamily) + " " + std::string(kTableName); }

}  // namespace

std::optional<FirewallConfig> loadProfile(const std::string& path, std::ostream& err) {
    auto result = loadFirewallConfig(path);
    if (!result.ok()) {
        err << path << ": refused, nothing changed:\n" << formatErrors(result.errors);
        return std::nullopt;
    }
    return std::move(result.config);
}

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

bool replaceRuleset(Nft& nft, const std::string& buffer, const std::string& what, std::ostream& err) {
    // The dry run gives a clean "nothing changed" answer before we touch
    // anything; the transaction would also roll back on its own.
    if (const auto checked = nft.check(buffer); !checked.ok) {
        err << what << ": nftables rejected the generated ruleset, nothing changed:\n" << checked.error;
        return false;
    }
    if (const auto result = nft.run(buffer); !result.ok) {
        err << what << ": applying failed, the previous ruleset is still in force:\n" << result.error;
        return false;
    }
    return true;
}

std::string runningTable(Nft& nft) {
    const auto listed = nft.run("list table " + tableName());
    return listed.ok ? listed.output : "";
}

std::string restoreBuffer(const std::string& listing) {
    return "add table " + tableName() + "\ndelete table " + tableName() + "\n" + listing;
}

}  // namespace medbox::firewall
