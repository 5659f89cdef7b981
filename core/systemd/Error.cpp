#include "core/systemd/Error.h"

namespace medbox::systemd {

std::string_view errorCodeName(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::InvalidUnitName: return "invalid-unit-name";
        case ErrorCode::InvalidArgument: return "invalid-argument";
        case ErrorCode::NoBus: return "no-bus";
        case ErrorCode::NoSuchUnit: return "no-such-unit";
        case ErrorCode::AccessDenied: return "access-denied";
        case ErrorCode::JobFailed: return "job-failed";
        case ErrorCode::Timeout: return "timeout";
        case ErrorCode::BusError: return "bus-error";
        case ErrorCode::JournalError: return "journal-error";
    }
    return "unknown";
}

Error::Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

}  // namespace medbox::systemd
