#include "domain/Appointments.h"
#include "domain/Availability.h"
#include "domain/Messages.h"
#include "domain/Rules.h"
#include "core/error/AppError.h"
#include "core/http/JsonText.h"
#include "core/error/OrNotFound.h"
#include "store/AppointmentStore.h"
#include "store/ScheduleStore.h"
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace medbox::booking {

namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMsPerHour = 3'600'000;

std::string idText(int64_t id) { return std::to_string(id); }

// A booked appointment in `slot` of `s`, with the joined fields filled as
// store::findAppointment() would read them; the patient's are left to the caller.
Appointment newAppointment(const Slot& slot, const Schedule& s) {
    Appointment a;
    a.scheduleId = s.id;
    a.slotId = slot.id;
    a.status = "booked";
    a.date = s.date;
    a.session = s.session;
    a.slotStart = slot.startTime;
    a.slotEnd = slot.endTime;
    a.sessionEnd = s.endTime;
    a.room = s.room;
    a.scheduleStatus = s.status;
    a.doctorId = s.doctorId;
    a.doctorName = s.doctorName;
    a.doctorTitle = s.doctorTitle;
    a.departmentId = s.departmentId;
    a.departmentName = s.departmentName;
    return a;
}

}  // namespace

std::string Appointments::requestHash(const BookingRequest& r) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    // Length-prefixed fields: no two different requests share an encoding.
    for (const std::string& f : {std::to_string(r.slotId), r.patient.name, r.patient.documentType,
                                 r.patient.documentNumber, r.patient.phone}) {
        sha.update(std::to_string(f.size()) + ":");
        sha.update(f);
    }
    return Poco::DigestEngine::digestToHex(sha.digest());
}

BookingResult Appointments::book(const Caller& who, const BookingRequest& r) {
    const std::string hash = requestHash(r);
    BookingResult result;
    int64_t id = 0;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const int64_t now = env_.now();
        // Expired keys go first, so a key past its TTL starts afresh.
        store::purgeIdempotency(c, now - env_.rules.idempotencyTtlHours * kMsPerHour);
        // Looked up inside the write transaction: two racing requests with one
        // key are serialised here, the second sees the first's record.
        if (auto seen = store::findIdempotency(c, who.actor, r.idempotencyKey)) {
            if (seen->requestHash != hash)
                throw AppError(Err::IdempotencyMismatch,
                               "this Idempotency-Key was already used with a different request body",
                               "Idempotency-Key");
            id = seen->appointmentId;
            result.status = seen->status;
            result.replayed = true;
            // The appointment as it is now, read in this transaction.
            result.appointment = orNotFound(store::findAppointment(c, id), "appointment", id);
            return;
        }
        auto found = store::findSlotInSchedule(c, r.slotId);
        if (!found) throw AppError(Err::InvalidField, "slot " + idText(r.slotId) + " does not exist", "slotId");
        const Slot& slot = found->slot;
        const Schedule& s = found->schedule;
        if (s.status == "stopped")
            throw AppError(Err::ScheduleStopped, "the doctor stopped this session (停诊); choose another session");
        if (s.status == "closed") throw AppError(Err::Conflict, "this session is closed", "slotId");
        if (!s.catalogueActive)
            throw AppError(Err::Conflict, "this doctor or department is not taking bookings at present", "slotId");
        const int64_t day = parseDate(s.date).value_or(0);
        const int64_t releaseAt = releaseAtMs(env_.rules, env_.time, day);
        if (now < releaseAt)
            throw AppError(Err::NotReleased, "booking for " + s.date + " opens at " + env_.time.iso(releaseAt),
                           "slotId");
        if (now >= slotStartMs(env_.time, s.date, slot.startTime))
            throw AppError(Err::Conflict, "this slot has already started; choose a later one", "slotId");

        const PatientIdentity& p = r.patient;
        const int64_t noShowsSince = now - (env_.rules.noShowWindowDays + env_.rules.noShowBlockDays) * kMsPerDay;
        const store::PatientRecord record = store::patientRecord(c, p.documentType, p.documentNumber, noShowsSince);
        if (record.activeIn(s.id))
            throw AppError(Err::BookingLimit, "this patient already has a booking for this doctor's session",
                           "patient.documentNumber");
        const int active = record.activeFrom(env_.today());
        if (active >= env_.rules.maxActivePerPatient)
            throw AppError(Err::BookingLimit,
                           "this patient already has " + std::to_string(active) +
                               " active bookings, the most allowed; cancel one first",
                           "patient.documentNumber");
        if (who.portal && env_.rules.noShowLimit > 0) {
            // The block applies to online booking only; the desk may still
            // register the patient in person.
            if (auto until = noShowBlockedUntil(env_.rules, record.noShows, now))
                throw AppError(Err::NoShowBlocked,
                               "online booking is suspended until " + env_.time.iso(*until) + " after " +
                                   std::to_string(env_.rules.noShowLimit) +
                                   " missed appointments; please book at "
                                   "the registration desk",
                               "patient.documentNumber");
        }
        if (!store::takePlace(c, slot.id))
            throw AppError(Err::SlotFull,
                           "no place left in the " + slot.startTime + "-" + slot.endTime + " slot; choose another slot",
                           "slotId");

        Appointment a = newAppointment(slot, s);
        a.documentType = p.documentType;
        a.documentNumber = p.documentNumber;
        a.patientName = p.name;
        a.phone = p.phone;
        a.channel = who.portal ? "portal" : "desk";
        a.createdBy = who.actor;
        a.createdAt = now;
        a.id = id = store::insertAppointment(c, a);
        env_.effects.sendIn(tx, messages::kHisbridge, messages::kCreated, messages::created(a, s, env_.time));
        env_.effects.auditIn(tx, who.actor, "booking.create", "appointment:" + idText(id),
                             json::ObjectWriter()
                                 .number("scheduleId", s.id)
                                 .number("slotId", slot.id)
                                 .string("channel", a.channel)
                                 .done());
        store::insertIdempotency(c, who.actor, r.idempotencyKey, {hash, 201, id}, now);
        // The answer, built from what was read and written here rather than
        // read back (BookingTest checks it equals a fresh read).
        result.appointment = std::move(a);
        env_.cache.invalidateAfter(tx);
    });
    return result;
}

Appointment Appointments::get(int64_t id) const {
    return orNotFound(env_.db.read([&](db::Connection& c) { return store::findAppointment(c, id); }), "appointment",
                      id);
}

void Appointments::auditView(const Caller& who, int64_t id) {
    env_.db.write([&](db::Tx& tx) {
        env_.effects.auditIn(tx, who.actor, "booking.appointment_view", "appointment:" + idText(id));
    });
}

std::vector<Appointment> Appointments::ofPatient(const std::string& documentType,
                                                 const std::string& documentNumber) const {
    return env_.db.read(
        [&](db::Connection& c) { return store::appointmentsOfPatient(c, documentType, documentNumber, 100); });
}

Appointment Appointments::cancel(const Caller& who, int64_t id, const std::string& reason) {
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto a = orNotFound(store::findAppointment(c, id), "appointment", id);
        if (a.status == "cancelled") return;  // a retried cancel answers the same
        if (a.status == "stopped")
            throw AppError(Err::ScheduleStopped, "the session was stopped (停诊); the booking is already cancelled");
        if (a.status != "booked")
            throw AppError(Err::Conflict, "the appointment is " + a.status + " and can no longer be cancelled");
        const int64_t now = env_.now();
        const int64_t deadline = cancelDeadlineMs(env_.rules, slotStartMs(env_.time, a.date, a.slotStart));
        if (now > deadline)
            throw AppError(Err::CancelTooLate, "cancellation closed at " + env_.time.iso(deadline) + " (" +
                                                   std::to_string(env_.rules.cancelCutoffMinutes) +
                                                   " minutes before the slot starts)");
        store::markCancelled(c, id, "cancelled", reason, now);
        store::freePlace(c, a.slotId);
        env_.effects.sendIn(tx, messages::kHisbridge, messages::kCancelled,
                            messages::cancelled(a, who.portal ? "patient" : "desk", now, env_.time));
        auto detail = jsonObject();
        detail->set("scheduleId", a.scheduleId);
        detail->set("slotId", a.slotId);
        env_.effects.auditIn(tx, who.actor, "booking.cancel", "appointment:" + idText(id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return get(id);
}

Appointment Appointments::checkIn(const Caller& who, int64_t id) {
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto a = orNotFound(store::findAppointment(c, id), "appointment", id);
        if (a.status == "checked_in" || a.status == "called") return;  // a retried check-in answers the same
        if (a.status == "stopped" || a.scheduleStatus == "stopped")
            throw AppError(Err::ScheduleStopped, "the session was stopped (停诊)");
        if (a.status != "booked")
            throw AppError(Err::CheckInClosed, "the appointment is " + a.status + "; it cannot be checked in");
        if (a.scheduleStatus == "closed") throw AppError(Err::CheckInClosed, "the session is closed");
        const int64_t now = env_.now();
        const Window w = checkInWindow(env_.rules, slotStartMs(env_.time, a.date, a.slotStart),
                                       slotStartMs(env_.time, a.date, a.sessionEnd));
        if (!w.contains(now))
            throw AppError(Err::CheckInClosed, now < w.fromMs ? "check-in opens at " + env_.time.iso(w.fromMs)
                                                              : "check-in closed at " + env_.time.iso(w.toMs));
        const int64_t queueNo = store::takeQueueNumber(c, a.scheduleId);
        store::markCheckedIn(c, id, queueNo, store::nextQueuePos(c, a.scheduleId), now);
        auto detail = jsonObject();
        detail->set("scheduleId", a.scheduleId);
        detail->set("queueNo", queueNo);
        env_.effects.auditIn(tx, who.actor, "booking.check_in", "appointment:" + idText(id), detail);
    });
    return get(id);
}

std::optional<int> Appointments::aheadOf(const Appointment& a) const {
    if (a.status != "checked_in") return std::nullopt;
    return env_.db.read([&](db::Connection& c) -> std::optional<int> {
        int ahead = 0;
        for (const Appointment& w : store::waitingInRoom(c, a.room, a.date)) {
            if (w.id == a.id) return ahead;
            ++ahead;
        }
        return std::nullopt;
    });
}

}  // namespace medbox::booking
