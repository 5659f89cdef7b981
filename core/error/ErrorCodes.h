#pragma once
// The one table of error codes: its code is what API clients see in
// {"error":{"code","message","field"}}, what logs print, and it fixes the
// HTTP status and the HL7 v2 acknowledgement code (MSA-1) of a NAK, so domain
// code throws one error whatever protocol carried the request. Add a row here
// rather than inventing a code at a call site. The rule for AE/AR: docs/errors.md.
#include <string_view>

namespace medbox {

enum class Err {
    // generic request errors
    BadRequest,           // 400 malformed request line, headers, query or JSON
    InvalidField,         // 400 a field has a wrong type, range or format
    MissingField,         // 400 a required field is absent
    UnknownField,         // 400 a field the endpoint does not take
    Unauthenticated,      // 401 no or invalid token
    Forbidden,            // 403 token lacks the role
    NotFound,             // 404
    MethodNotAllowed,     // 405
    RequestTimeout,       // 408 the request did not arrive in time
    Conflict,             // 409 state does not allow it
    PayloadTooLarge,      // 413
    UriTooLong,           // 414 request line too long
    UnsupportedMedia,     // 415
    ExpectationFailed,    // 417 an Expect other than 100-continue
    IdempotencyMismatch,  // 422 same Idempotency-Key, different body
    Locked,               // 423 account locked after failed logins
    RateLimited,          // 429
    HeadersTooLarge,      // 431 header section too large
    Internal,             // 500
    NotImplemented,       // 501 a transfer coding other than chunked
    Unavailable,          // 503 shutting down, storage read-only, disk full
    VersionNotSupported,  // 505 not HTTP/1.0 or HTTP/1.1
    // booking
    SlotFull,         // 409 no place left in that slot
    NotReleased,      // 409 the schedule is not released yet (放号)
    BookingLimit,     // 409 anti-scalping rule: too many active bookings / one per doctor per session
    NoShowBlocked,    // 403 blocked after repeated no-shows
    CancelTooLate,    // 409 past the cancellation cutoff
    ScheduleStopped,  // 409 the session was stopped (停诊)
    CheckInClosed,    // 409 check-in not open for that booking now
    QueueEmpty,       // 409 nobody waiting
    // console / auth
    BadCredentials,  // 401
    // console / appliance control (systemd units)
    UnitFailed,   // 502 systemd refused or failed the call, or the job did not end "done"
    UnitTimeout,  // 504 the job did not finish in time (systemd keeps running it)
};

// HL7 v2 table 0008, original mode (MSA-1 of the NAK; the code also goes to ERR-5).
enum class Hl7Ack {
    AE,  // application error: the message was processed; its content is wrong or conflicts with the data
    AR,  // application reject: not processed (malformed, not supported, not allowed, or we cannot now)
};

struct ErrInfo {
    std::string_view code;  // snake_case, stable, documented
    int status;             // HTTP
    Hl7Ack ack;             // HL7 v2 MSA-1
};

const ErrInfo& errInfo(Err e);
// "AE" or "AR", as written in MSA-1.
std::string_view hl7AckText(Hl7Ack ack);
// The last kind in the table, so tests can walk every row.
constexpr Err kLastErr = Err::UnitTimeout;

}  // namespace medbox
