#pragma once
// Booking, cancellation and check-in of appointments, with the anti-scalping
// rules, the release time, idempotent creation and the no-overbooking
// guarantee (see docs/booking.md). Each operation is one write transaction
// holding the change, its audit row, its outbox messages and the cache
// invalidation. Stateless apart from the environment; thread-safe.
#include "domain/BookingEnv.h"
#include "domain/Patient.h"
#include "store/Rows.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::booking {

struct BookingRequest {
    int64_t slotId = 0;
    PatientIdentity patient;     // validated and normalised
    std::string idempotencyKey;  // required
};

struct BookingResult {
    Appointment appointment;
    int status = 201;  // the status of the first answer to this key
    bool replayed = false;
};

class Appointments {
public:
    explicit Appointments(BookingEnv& env) : env_(env) {}

    // SHA-256 over the normalised request: what "same body" means for an
    // Idempotency-Key (field order and whitespace do not matter).
    static std::string requestHash(const BookingRequest& r);

    BookingResult book(const Caller& who, const BookingRequest& r);
    Appointment get(int64_t id) const;  // NotFound
    // Records a staff member's look at one patient's record (audit).
    void auditView(const Caller& who, int64_t id);
    std::vector<Appointment> ofPatient(const std::string& documentType, const std::string& documentNumber) const;
    Appointment cancel(const Caller& who, int64_t id, const std::string& reason);
    Appointment checkIn(const Caller& who, int64_t id);
    // Waiting patients ahead of a checked-in appointment in its room queue.
    std::optional<int> aheadOf(const Appointment& a) const;

private:
    BookingEnv& env_;
};

}  // namespace medbox::booking
