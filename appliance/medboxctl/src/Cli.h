#pragma once
// medboxctl's command line: parses arguments, runs one command and maps every
// outcome to a documented exit code (docs/medboxctl.md). The only place that
// prints; the libraries below it throw or return.
#include <ostream>
#include <string>
#include <vector>

namespace medbox::ctl {

enum class ExitCode : int {
    Ok = 0,
    Mismatch = 1,    // hw check: the machine does not match the profile
    Usage = 2,       // bad command line
    Refused = 3,     // not a medbox unit (or an alias of one that is not)
    NoBus = 4,       // no system bus / no systemd to talk to
    NoSuchUnit = 5,  // the medbox unit does not exist
    Failed = 6,      // the operation failed: job failed, timeout, access denied, bus error
    BadInput = 7,    // hw check: profile or root directory unusable; update: bundle unusable
};

std::string usage();

// args excludes the program name.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace medbox::ctl
