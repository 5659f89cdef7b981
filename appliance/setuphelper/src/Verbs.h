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

struct RunResult {
    int exitCode = -1;  // -1: killed by a signal
    std::string output{};
};

// Runs argv (absolute program path, no shell, a fixed PATH and the entries of
// env, nothing else); returns its exit code and the last maxOutput bytes of
// its stdout and stderr. The output also goes to the journal (stderr),
// unless logOutput is false and it exited 0.
RunResult runCapture(const std::vector<std::string>& argv, size_t maxOutput = 4096, bool logOutput = true,
                     const std::vector<std::string>& env = {});

// runCapture, but throws std::runtime_error with the output unless it exits 0.
std::string run(const std::vector<std::string>& argv, size_t maxOutput = 4096, bool logOutput = true,
                const std::vector<std::string>& env = {});

}  // namespace medbox::setuphelper
