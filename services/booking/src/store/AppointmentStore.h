#pragma once
// SQL for appointments: booking, cancellation, check-in, the room queue and
// the anti-scalping counts. Callers own the transaction.
#include "core/db/Database.h"
#include "store/Rows.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::booking::store {

// Statuses that hold a place and count against the anti-scalping limits.
inline constexpr const char* kActiveStatuses = "('booked', 'checked_in', 'called')";

int64_t insertAppointment(db::Connection& c, const Appointment& a);
std::optional<Appointment> findAppointment(db::Connection& c, int64_t id);
std::vector<Appointment> appointmentsOfPatient(db::Connection& c, const std::string& documentType,
                                               const std::string& documentNumber, int limit);
std::vector<Appointment> appointmentsOfSchedule(db::Connection& c, int64_t scheduleId);
int countAppointmentsOfSchedule(db::Connection& c, int64_t scheduleId);

// What the anti-scalping rules need to know of one patient: the active
// bookings (any date) and the no-shows recorded since noShowsSinceMs.
struct PatientRecord {
    struct Active {
        int64_t scheduleId = 0;
        std::string date;  // the schedule's clinic date
    };
    std::vector<Active> active;
    std::vector<int64_t> noShows;  // finished_at of each no-show
    bool activeIn(int64_t scheduleId) const;
    int activeFrom(const std::string& date) const;  // active bookings on `date` or later
};
PatientRecord patientRecord(db::Connection& c, const std::string& documentType, const std::string& documentNumber,
                            int64_t noShowsSinceMs);

// Ends an appointment as cancelled (by the patient or desk) or stopped (停诊).
void markCancelled(db::Connection& c, int64_t id, const std::string& status, const std::string& reason, int64_t nowMs);
void markCheckedIn(db::Connection& c, int64_t id, int64_t queueNo, int64_t queuePos, int64_t nowMs);
void markCalled(db::Connection& c, int64_t id, int64_t nowMs);  // called (again): call_count + 1
void markPassed(db::Connection& c, int64_t id);                 // back to waiting, pass_count + 1
void markFinished(db::Connection& c, int64_t id, const std::string& status, int64_t nowMs);
void setQueuePos(db::Connection& c, int64_t id, int64_t pos);

// The room queue of a clinic day: the patient being seen, and those waiting in
// call order (earlier sessions first, then queue position).
std::optional<Appointment> currentInRoom(db::Connection& c, const std::string& room, const std::string& date);
std::vector<Appointment> waitingInRoom(db::Connection& c, const std::string& room, const std::string& date);
std::vector<int64_t> waitingOfSchedule(db::Connection& c, int64_t scheduleId);
int64_t nextQueuePos(db::Connection& c, int64_t scheduleId);

struct IdempotencyRecord {
    std::string requestHash;
    int status = 0;
    int64_t appointmentId = 0;
};
std::optional<IdempotencyRecord> findIdempotency(db::Connection& c, const std::string& caller, const std::string& key);
void insertIdempotency(db::Connection& c, const std::string& caller, const std::string& key, const IdempotencyRecord& r,
                       int64_t nowMs);
void purgeIdempotency(db::Connection& c, int64_t beforeMs);

}  // namespace medbox::booking::store
