// Appointments: booking (idempotent), lookup by patient document, single
// record, cancellation and check-in. Used by the portal (patients, online
// channel) and by the registration desk.
#include "domain/Patient.h"
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "handlers/Views.h"
#include "core/error/AppError.h"
#include <algorithm>

namespace medbox::booking {

namespace {

std::string idempotencyKey(const Request& rq) {
    const std::string key = rq.header("Idempotency-Key");
    if (key.empty())
        throw AppError(Err::MissingField,
                       "the Idempotency-Key header is required: a unique value per booking attempt, sent again "
                       "unchanged on a retry",
                       "Idempotency-Key");
    const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (key.size() > 128 || !printable)
        throw AppError(Err::InvalidField, "Idempotency-Key is 1-128 printable ASCII characters without spaces",
                       "Idempotency-Key");
    return key;
}

BookingRequest parseBooking(const JsonBody& b) {
    b.allowOnly({"slotId", "patient"});
    BookingRequest r;
    r.slotId = b.integer("slotId", 1, INT64_MAX);
    const JsonBody p = b.object("patient");
    p.allowOnly({"name", "documentType", "documentNumber", "phone"});
    r.patient.name = p.str("name", 120);
    r.patient.documentType = p.oneOf("documentType", documentTypes());
    r.patient.documentNumber = p.str("documentNumber", 40);
    r.patient.phone = p.str("phone", 20);
    if (auto bad = validatePatient(r.patient)) throw AppError(Err::InvalidField, bad->message, p.path(bad->field));
    return r;
}

}  // namespace

void Handlers::createAppointment(Request& rq, Reply& rp) {
    const Caller who = input::caller(rq);
    const std::string key = idempotencyKey(rq);
    BookingRequest r = parseBooking(rq.json());
    r.idempotencyKey = key;
    const BookingResult result = appointments_.book(who, r);
    rp.status(result.status);
    rp.header("Location", "/api/v1/appointments/" + std::to_string(result.appointment.id));
    if (result.replayed) rp.header("Idempotent-Replayed", "true");
    rp.rawJson(views::appointment(result.appointment, views::Personal::Full, env_));
}

namespace {

std::string patientAppointments(const std::string& type, std::string number, const Appointments& appointments,
                                const BookingEnv& env) {
    if (std::find(documentTypes().begin(), documentTypes().end(), type) == documentTypes().end())
        throw AppError(Err::InvalidField, "documentType must be one of resident_id, passport, other", "documentType");
    if (auto bad = validateDocument(type, number)) throw AppError(Err::InvalidField, bad->message, bad->field);
    const auto rows = appointments.ofPatient(type, number);
    return views::itemsText(rows,
                            [&](const Appointment& a) { return views::appointment(a, views::Personal::Masked, env); });
}

}  // namespace

// Kept for API clients; pages use POST .../search so that the document
// number stays out of URLs (logs, proxies, browser history).
void Handlers::findAppointments(Request& rq, Reply& rp) {
    const auto type = rq.query("documentType");
    if (!type) throw AppError(Err::MissingField, "documentType is required", "documentType");
    auto number = rq.query("documentNumber");
    if (!number) throw AppError(Err::MissingField, "documentNumber is required", "documentNumber");
    rp.rawJson(patientAppointments(*type, *number, appointments_, env_));
}

void Handlers::searchAppointments(Request& rq, Reply& rp) {
    const JsonBody b = rq.json();
    b.allowOnly({"documentType", "documentNumber"});
    const std::string type = b.str("documentType", 20);
    const std::string number = b.str("documentNumber", 40);
    rp.rawJson(patientAppointments(type, number, appointments_, env_));
}

void Handlers::getAppointment(Request& rq, Reply& rp) {
    const Caller who = input::caller(rq);
    const Appointment a = appointments_.get(rq.idParam("id"));
    // The portal audits its patients' own reads; a staff member's look at a
    // patient record is audited here.
    if (!who.portal) appointments_.auditView(who, a.id);
    rp.rawJson(views::appointment(a, views::Personal::Full, env_, appointments_.aheadOf(a)));
}

void Handlers::cancelAppointment(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    appointments_.get(id);  // 404 before 400
    const JsonBody b = input::optionalBody(rq);
    b.allowOnly({"reason"});
    const std::string reason = input::text(b, "reason", 200);
    const Appointment a = appointments_.cancel(input::caller(rq), id, reason);
    rp.rawJson(views::appointment(a, views::Personal::Full, env_));
}

void Handlers::checkInAppointment(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    appointments_.get(id);
    input::optionalBody(rq).allowOnly({});
    const Appointment a = appointments_.checkIn(input::caller(rq), id);
    rp.rawJson(views::appointment(a, views::Personal::Full, env_, appointments_.aheadOf(a)));
}

}  // namespace medbox::booking
