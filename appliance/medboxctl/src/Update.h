#pragma once
// medboxctl update BUNDLE: installs a signed RAUC update bundle into the root
// slot that is not running (docs/update.md). RAUC does the work (signature,
// compatible, slot choice, boot order); this checks the argument, runs
// "rauc install" without a shell and relays its output.
#include <ostream>
#include <string>

namespace medbox::ctl {

// Debian's rauc (package rauc in the image's 10-base layer).
inline constexpr const char* kRaucProgram = "/usr/bin/rauc";

// The bundle path as an absolute path, if it names a readable regular file
// ending in ".raucb"; throws std::invalid_argument saying what is wrong.
std::string checkBundlePath(const std::string& path);

// Runs RAUC_PROGRAM install BUNDLE, copying its output (stdout and stderr) to
// out; returns its exit status (128 + signal if it was killed). Throws
// std::runtime_error if it cannot be started.
int runRaucInstall(const std::string& raucProgram, const std::string& bundle, std::ostream& out);

}  // namespace medbox::ctl
