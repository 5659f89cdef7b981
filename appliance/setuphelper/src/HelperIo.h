#pragma once
// The helper's two ways of touching the system, shared by its verb files.
#include "SetupHelper.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace medbox::setuphelper {

// Writes root/path whole or not at all (temporary file, fsync, rename) with
// `mode`, making parent folders.
void writeFile(const Options& opt, const std::string& path, const std::string& text, mode_t mode);

// Runs argv (absolute path, no shell, PATH only in the environment); throws
// std::runtime_error with the program's output unless it exits 0.
void run(const std::vector<std::string>& argv);

}  // namespace medbox::setuphelper
