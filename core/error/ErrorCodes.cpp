#include "core/error/ErrorCodes.h"

namespace medbox {

// A switch without default: the compiler (-Wswitch, errors in CI) refuses an
// enum value that has no row here. Last column, the HL7 acknowledgement:
// AR when the message is refused before its content is looked at (it cannot
// be parsed, is too large or of an unsupported kind, the sender may not send
// it, or this service cannot process anything now); AE when it was processed
// and its content is wrong or conflicts with the data (docs/errors.md).
const ErrInfo& errInfo(Err e) {
    switch (e) {
#define ROW(name, code, status, ack)                           \
    case Err::name: {                                          \
        static constexpr ErrInfo i{code, status, Hl7Ack::ack}; \
        return i;                                              \
    }
        ROW(BadRequest, "bad_request", 400, AR)
        ROW(InvalidField, "invalid_field", 400, AE)
        ROW(MissingField, "missing_field", 400, AE)
        ROW(UnknownField, "unknown_field", 400, AE)
        ROW(Unauthenticated, "unauthenticated", 401, AR)
        ROW(Forbidden, "forbidden", 403, AR)
        ROW(NotFound, "not_found", 404, AE)
        ROW(MethodNotAllowed, "method_not_allowed", 405, AR)
        ROW(RequestTimeout, "request_timeout", 408, AR)
        ROW(Conflict, "conflict", 409, AE)
        ROW(PayloadTooLarge, "payload_too_large", 413, AR)
        ROW(UriTooLong, "uri_too_long", 414, AR)
        ROW(UnsupportedMedia, "unsupported_media_type", 415, AR)
        ROW(ExpectationFailed, "expectation_failed", 417, AR)
        ROW(IdempotencyMismatch, "idempotency_mismatch", 422, AE)
        ROW(Locked, "locked", 423, AR)
        ROW(RateLimited, "rate_limited", 429, AR)
        ROW(HeadersTooLarge, "headers_too_large", 431, AR)
        ROW(Internal, "internal", 500, AR)
        ROW(NotImplemented, "not_implemented", 501, AR)
        ROW(Unavailable, "unavailable", 503, AR)
        ROW(VersionNotSupported, "http_version_not_supported", 505, AR)
        ROW(SlotFull, "slot_full", 409, AE)
        ROW(NotReleased, "not_released", 409, AE)
        ROW(BookingLimit, "booking_limit", 409, AE)
        ROW(NoShowBlocked, "no_show_blocked", 403, AE)
        ROW(CancelTooLate, "cancel_too_late", 409, AE)
        ROW(ScheduleStopped, "schedule_stopped", 409, AE)
        ROW(CheckInClosed, "check_in_closed", 409, AE)
        ROW(QueueEmpty, "queue_empty", 409, AE)
        ROW(BadCredentials, "bad_credentials", 401, AR)
        ROW(UnitFailed, "unit_failed", 502, AR)
        ROW(UnitTimeout, "unit_timeout", 504, AR)
#undef ROW
    }
    static constexpr ErrInfo unknown{"internal", 500, Hl7Ack::AR};
    return unknown;
}

std::string_view hl7AckText(Hl7Ack ack) { return ack == Hl7Ack::AE ? "AE" : "AR"; }

}  // namespace medbox
