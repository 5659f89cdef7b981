#pragma once
// What the helper's verb files share (SetupHelper.cpp, UpdateVerbs.cpp):
// the refusal type, the answer shape, and running a program without a shell.
#include <Poco/JSON/Object.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace medbox::setuphelper {

// Bad input: answered {"ok": false, "error": what()} before anything is done.
struct Refused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

Poco::JSON::Object::Ptr answer(bool ok, const std::string& error = {});

// Runs argv (absolute program path, no shell, a fixed PATH, no other
// environment); returns the last maxOutput bytes of its stdout and stderr.
// Throws std::runtime_error with that output unless it exits 0. The output
// also goes to the journal (stderr), unless logOutput is false and it succeeded.
std::string run(const std::vector<std::string>& argv, size_t maxOutput = 4096, bool logOutput = true);

}  // namespace medbox::setuphelper
