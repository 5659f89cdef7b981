#include "store/AppointmentStore.h"

#include <algorithm>

namespace medbox::booking::store {

namespace {

const char* kAppointmentSelect =
    "SELECT a.id, a.schedule_id, a.slot_id, a.document_type, a.document_number, a.patient_name, a.phone, "
    "a.channel, a.status, a.created_by, a.created_at, a.cancelled_at, a.cancel_reason, a.checked_in_at, "
    "a.queue_no, a.called_at, a.call_count, a.pass_count, a.finished_at, "
    "s.clinic_date, s.session_code, t.start_time, t.end_time, s.end_time, s.room, s.status, "
    "d.id, d.name, d.title, p.id, p.name "
    "FROM appointment a JOIN schedule s ON s.id = a.schedule_id JOIN slot t ON t.id = a.slot_id "
    "JOIN doctor d ON d.id = s.doctor_id JOIN department p ON p.id = d.department_id ";

Appointment readAppointment(const db::Statement& st) {
    Appointment a;
    a.id = st.i64(0);
    a.scheduleId = st.i64(1);
    a.slotId = st.i64(2);
    a.documentType = st.str(3);
    a.documentNumber = st.str(4);
    a.patientName = st.str(5);
    a.phone = st.str(6);
    a.channel = st.str(7);
    a.status = st.str(8);
    a.createdBy = st.str(9);
    a.createdAt = st.i64(10);
    a.cancelledAt = st.optI64(11);
    a.cancelReason = st.isNull(12) ? std::string() : st.str(12);
    a.checkedInAt = st.optI64(13);
    a.queueNo = st.optI64(14);
    a.calledAt = st.optI64(15);
    a.callCount = static_cast<int>(st.i64(16));
    a.passCount = static_cast<int>(st.i64(17));
    a.finishedAt = st.optI64(18);
    a.date = st.str(19);
    a.session = st.str(20);
    a.slotStart = st.str(21);
    a.slotEnd = st.str(22);
    a.sessionEnd = st.str(23);
    a.room = st.str(24);
    a.scheduleStatus = st.str(25);
    a.doctorId = st.i64(26);
    a.doctorName = st.str(27);
    a.doctorTitle = st.str(28);
    a.departmentId = st.i64(29);
    a.departmentName = st.str(30);
    return a;
}

std::vector<Appointment> readAll(db::Statement& st) {
    std::vector<Appointment> out;
    while (st.step()) out.push_back(readAppointment(st));
    return out;
}

}  // namespace

int64_t insertAppointment(db::Connection& c, const Appointment& a) {
    c.prepare(
         "INSERT INTO appointment (schedule_id, slot_id, document_type, document_number, patient_name, phone, "
         "channel, status, created_by, created_at, cancel_reason, call_count, pass_count) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, '', 0, 0)")
        .args(a.scheduleId, a.slotId, a.documentType, a.documentNumber, a.patientName, a.phone, a.channel, a.createdBy,
              a.createdAt)
        .run();
    return c.lastInsertId();
}

std::optional<Appointment> findAppointment(db::Connection& c, int64_t id) {
    auto st = c.prepare(std::string(kAppointmentSelect) + "WHERE a.id = ?");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readAppointment(st);
}

std::vector<Appointment> appointmentsOfPatient(db::Connection& c, const std::string& documentType,
                                               const std::string& documentNumber, int limit) {
    auto st = c.prepare(std::string(kAppointmentSelect) +
                        "WHERE a.document_number = ? AND a.document_type = ? "
                        "ORDER BY s.clinic_date DESC, t.start_time DESC, a.id DESC LIMIT ?");
    st.args(documentNumber, documentType, limit);
    return readAll(st);
}

std::vector<Appointment> appointmentsOfSchedule(db::Connection& c, int64_t scheduleId) {
    auto st = c.prepare(std::string(kAppointmentSelect) + "WHERE a.schedule_id = ? ORDER BY t.seq, a.id");
    st.args(scheduleId);
    return readAll(st);
}

int countAppointmentsOfSchedule(db::Connection& c, int64_t scheduleId) {
    auto st = c.prepare("SELECT COUNT(*) FROM appointment WHERE schedule_id = ?");
    st.args(scheduleId);
    st.step();
    return static_cast<int>(st.i64(0));
}

PatientRecord patientRecord(db::Connection& c, const std::string& documentType, const std::string& documentNumber,
                            int64_t noShowsSinceMs) {
    // One probe of appointment_by_patient for all three rules, on every booking.
    auto st = c.prepare(std::string("SELECT a.status, a.schedule_id, s.clinic_date, a.finished_at "
                                    "FROM appointment a JOIN schedule s ON s.id = a.schedule_id "
                                    "WHERE a.document_number = ? AND a.document_type = ? AND (a.status IN ") +
                        kActiveStatuses + " OR (a.status = 'no_show' AND a.finished_at >= ?))");
    st.args(documentNumber, documentType, noShowsSinceMs);
    PatientRecord out;
    while (st.step()) {
        if (st.str(0) == "no_show")
            out.noShows.push_back(st.i64(3));
        else
            out.active.push_back({st.i64(1), st.str(2)});
    }
    return out;
}

bool PatientRecord::activeIn(int64_t scheduleId) const {
    return std::any_of(active.begin(), active.end(), [&](const Active& a) { return a.scheduleId == scheduleId; });
}

int PatientRecord::activeFrom(const std::string& date) const {
    return static_cast<int>(
        std::count_if(active.begin(), active.end(), [&](const Active& a) { return a.date >= date; }));
}

void markCancelled(db::Connection& c, int64_t id, const std::string& status, const std::string& reason, int64_t nowMs) {
    c.prepare("UPDATE appointment SET status = ?, cancel_reason = ?, cancelled_at = ? WHERE id = ?")
        .args(status, reason, nowMs, id)
        .run();
}

void markCheckedIn(db::Connection& c, int64_t id, int64_t queueNo, int64_t queuePos, int64_t nowMs) {
    c.prepare(
         "UPDATE appointment SET status = 'checked_in', checked_in_at = ?, queue_no = ?, queue_pos = ? "
         "WHERE id = ?")
        .args(nowMs, queueNo, queuePos, id)
        .run();
}

void markCalled(db::Connection& c, int64_t id, int64_t nowMs) {
    c.prepare("UPDATE appointment SET status = 'called', called_at = ?, call_count = call_count + 1 WHERE id = ?")
        .args(nowMs, id)
        .run();
}

void markPassed(db::Connection& c, int64_t id) {
    c.prepare("UPDATE appointment SET status = 'checked_in', pass_count = pass_count + 1 WHERE id = ?").args(id).run();
}

void markFinished(db::Connection& c, int64_t id, const std::string& status, int64_t nowMs) {
    c.prepare("UPDATE appointment SET status = ?, finished_at = ? WHERE id = ?").args(status, nowMs, id).run();
}

void setQueuePos(db::Connection& c, int64_t id, int64_t pos) {
    c.prepare("UPDATE appointment SET queue_pos = ? WHERE id = ?").args(pos, id).run();
}

std::optional<Appointment> currentInRoom(db::Connection& c, const std::string& room, const std::string& date) {
    auto st = c.prepare(std::string(kAppointmentSelect) +
                        "WHERE s.room = ? AND s.clinic_date = ? AND s.status = 'open' AND a.status = 'called' "
                        "ORDER BY a.called_at DESC, a.id DESC LIMIT 1");
    st.args(room, date);
    if (!st.step()) return std::nullopt;
    return readAppointment(st);
}

std::vector<Appointment> waitingInRoom(db::Connection& c, const std::string& room, const std::string& date) {
    auto st = c.prepare(std::string(kAppointmentSelect) +
                        "WHERE s.room = ? AND s.clinic_date = ? AND s.status = 'open' AND a.status = 'checked_in' "
                        "ORDER BY s.start_time, s.id, a.queue_pos, a.id");
    st.args(room, date);
    return readAll(st);
}

std::vector<int64_t> waitingOfSchedule(db::Connection& c, int64_t scheduleId) {
    auto st = c.prepare(
        "SELECT id FROM appointment WHERE schedule_id = ? AND status = 'checked_in' ORDER BY queue_pos, id");
    st.args(scheduleId);
    std::vector<int64_t> out;
    while (st.step()) out.push_back(st.i64(0));
    return out;
}

int64_t nextQueuePos(db::Connection& c, int64_t scheduleId) {
    auto st = c.prepare(
        "SELECT COALESCE(MAX(queue_pos), 0) + 1 FROM appointment WHERE schedule_id = ? "
        "AND status = 'checked_in'");
    st.args(scheduleId);
    st.step();
    return st.i64(0);
}

std::optional<IdempotencyRecord> findIdempotency(db::Connection& c, const std::string& caller, const std::string& key) {
    auto st = c.prepare(
        "SELECT request_hash, status, appointment_id FROM idempotency_key WHERE caller = ? AND idem_key = ?");
    st.args(caller, key);
    if (!st.step()) return std::nullopt;
    return IdempotencyRecord{st.str(0), static_cast<int>(st.i64(1)), st.i64(2)};
}

void insertIdempotency(db::Connection& c, const std::string& caller, const std::string& key, const IdempotencyRecord& r,
                       int64_t nowMs) {
    c.prepare(
         "INSERT INTO idempotency_key (caller, idem_key, request_hash, status, appointment_id, created_at) "
         "VALUES (?, ?, ?, ?, ?, ?)")
        .args(caller, key, r.requestHash, r.status, r.appointmentId, nowMs)
        .run();
}

void purgeIdempotency(db::Connection& c, int64_t beforeMs) {
    c.prepare("DELETE FROM idempotency_key WHERE created_at < ?").args(beforeMs).run();
}

}  // namespace medbox::booking::store
