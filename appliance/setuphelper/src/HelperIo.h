#pragma once
// Writing files, shared by the helper's verb files (running programs: Verbs.h).
#include "SetupHelper.h"
#include "Verbs.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace medbox::setuphelper {

// Writes root/path whole or not at all (temporary file, fsync, rename) with
// `mode`, making parent folders.
void writeFile(const Options& opt, const std::string& path, const std::string& text, mode_t mode);

}  // namespace medbox::setuphelper
