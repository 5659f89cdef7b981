#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace medbox::firewall {

// Exit codes of medbox-firewall, documented in docs/firewall.md.
enum ExitCode : int {
    kExitOk = 0,
    kExitRefused = 1,     // bad configuration file or argument; nothing changed
    kExitNftables = 2,    // libnftables refused or failed; nothing changed
    kExitNoProfile = 3,   // status/window: no medbox table is running
    kExitNotPending = 4,  // confirm/revert: no change waits for confirmation
    kExitState = 5,       // the state files could not be written; see the message
    kExitUsage = 64,
};

// The whole command line tool; main() only forwards to it, so tests can run
// every command with captured output.
int runCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace medbox::firewall
