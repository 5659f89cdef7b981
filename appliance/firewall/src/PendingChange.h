#pragma once

#include "FirewallConfig.h"
#include "State.h"

#include <iosfwd>
#include <string>

namespace medbox::firewall {

// Confirm-or-revert (docs/firewall.md, "Confirm or revert"): a profile
// applied with --confirm-within stays in force only if `confirm` is run in
// time, from a new connection; otherwise the ruleset that ran before comes
// back by itself. The revert is scheduled before the new ruleset is loaded,
// outside the applying process (a systemd timer, or a detached waiter), so
// an SSH session dropped by the new ruleset cannot stop it.

// Longest confirmation window: long enough to open a new SSH session and
// try the console, short enough that a lock-out ends soon.
inline constexpr long kMaxConfirmSeconds = 3600;

int applyWithConfirm(const std::string& path, const FirewallConfig& config, long seconds, const StatePaths& paths,
                     std::ostream& out, std::ostream& err);

// Saves the pending profile as the active one (what boot loads).
int confirmChange(const StatePaths& paths, std::ostream& out, std::ostream& err);

// Puts the previous ruleset back. `onlyId` (the scheduled revert) acts only
// if that change is still pending: a confirmed or replaced one is left alone.
// afterSeconds > 0: waits that long first (the detached waiter).
int revertChange(const StatePaths& paths, const std::string& onlyId, long afterSeconds, std::ostream& out,
                 std::ostream& err);

// Whether a change applied with --confirm-within waits for its confirmation.
bool changePending(const StatePaths& paths);

// Forgets a pending change without touching the ruleset (boot: a reboot
// loads the confirmed profile, which is what a revert would restore).
void forgetPending(const StatePaths& paths);

}  // namespace medbox::firewall
