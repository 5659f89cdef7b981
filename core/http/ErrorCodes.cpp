#include "http/ErrorCodes.h"

namespace medbox {

// A switch without default: the compiler (-Wswitch, errors in CI) refuses an
// enum value that has no row here.
const ErrInfo& errInfo(Err e) {
    switch (e) {
#define ROW(name, code, status) case Err::name: { static constexpr ErrInfo i{code, status}; return i; }
        ROW(BadRequest, "bad_request", 400)
        ROW(InvalidField, "invalid_field", 400)
        ROW(MissingField, "missing_field", 400)
        ROW(UnknownField, "unknown_field", 400)
        ROW(Unauthenticated, "unauthenticated", 401)
        ROW(Forbidden, "forbidden", 403)
        ROW(NotFound, "not_found", 404)
        ROW(MethodNotAllowed, "method_not_allowed", 405)
        ROW(RequestTimeout, "request_timeout", 408)
        ROW(Conflict, "conflict", 409)
        ROW(PayloadTooLarge, "payload_too_large", 413)
        ROW(UriTooLong, "uri_too_long", 414)
        ROW(UnsupportedMedia, "unsupported_media_type", 415)
        ROW(ExpectationFailed, "expectation_failed", 417)
        ROW(IdempotencyMismatch, "idempotency_mismatch", 422)
        ROW(Locked, "locked", 423)
        ROW(RateLimited, "rate_limited", 429)
        ROW(HeadersTooLarge, "headers_too_large", 431)
        ROW(Internal, "internal", 500)
        ROW(NotImplemented, "not_implemented", 501)
        ROW(Unavailable, "unavailable", 503)
        ROW(VersionNotSupported, "http_version_not_supported", 505)
        ROW(SlotFull, "slot_full", 409)
        ROW(NotReleased, "not_released", 409)
        ROW(BookingLimit, "booking_limit", 409)
        ROW(NoShowBlocked, "no_show_blocked", 403)
        ROW(CancelTooLate, "cancel_too_late", 409)
        ROW(ScheduleStopped, "schedule_stopped", 409)
        ROW(CheckInClosed, "check_in_closed", 409)
        ROW(QueueEmpty, "queue_empty", 409)
        ROW(BadCredentials, "bad_credentials", 401)
        ROW(UnitFailed, "unit_failed", 502)
        ROW(UnitTimeout, "unit_timeout", 504)
#undef ROW
    }
    static constexpr ErrInfo unknown{"internal", 500};
    return unknown;
}

}  // namespace medbox
