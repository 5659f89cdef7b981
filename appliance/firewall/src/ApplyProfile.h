#pragma once

#include "FirewallConfig.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace medbox::firewall {

class Nft;

// Pieces shared by apply, boot, confirm and revert.

// Loads and validates a profile; prints "PATH: refused, nothing changed:" and
// every error with its key path on failure.
std::optional<FirewallConfig> loadProfile(const std::string& path, std::ostream& err);

// "interfaces.lan: no network interface \"lan0\" on this machine", one per
// zone whose NIC is missing. The vendor interface is left out: WireGuard
// creates it when the tunnel comes up, after the firewall.
std::vector<std::string> missingInterfaces(const Interfaces& nics);

// Dry-runs, then runs one replacing transaction. On failure prints
// "WHAT: ..." and returns false; the running ruleset is then unchanged.
bool replaceRuleset(Nft& nft, const std::string& buffer, const std::string& what, std::ostream& err);

// The running `table inet medbox` as `nft list table` prints it (which
// `nft -f` reads back, open vendor windows with their time left included),
// or "" when there is none.
std::string runningTable(Nft& nft);

// A transaction that puts a listing from runningTable() back ("" removes
// the table, as it was).
std::string restoreBuffer(const std::string& listing);

}  // namespace medbox::firewall
