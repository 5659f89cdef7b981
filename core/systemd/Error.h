#pragma once
// The one exception type of medbox::systemd. Callers (medboxctl, the console)
// switch on code() to choose an exit code or an HTTP status and print what()
// once; the library itself never logs.
#include <stdexcept>
#include <string>
#include <string_view>

namespace medbox::systemd {

enum class ErrorCode {
    InvalidUnitName,  // not a medbox unit, or not a valid unit name at all
    InvalidArgument,  // e.g. a journal line count above the limit
    NoBus,            // no system bus, or systemd is not on it
    NoSuchUnit,       // no unit file / not loaded
    AccessDenied,     // the bus or polkit said no
    JobFailed,        // the start/stop/restart job ended in something other than "done"
    Timeout,          // the job or the bus call did not finish in time
    BusError,         // any other D-Bus failure
    JournalError,     // sd-journal could not be opened or read
};

// Stable lower-case name of a code, e.g. "no-bus" (for JSON/API errors).
std::string_view errorCodeName(ErrorCode code) noexcept;

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message);
    ErrorCode code() const noexcept { return code_; }

private:
    ErrorCode code_;
};

}  // namespace medbox::systemd
