#include "store/ScheduleStore.h"

namespace medbox::booking::store {

namespace {

// The columns readSchedule() reads, with `booked` in its place.
std::string scheduleColumns(const std::string& booked) {
    return "s.id, s.doctor_id, s.clinic_date, s.session_code, s.start_time, s.end_time, s.slot_minutes, s.room, "
           "s.capacity, s.fee_cents, s.status, s.stop_reason, s.next_queue_no, " +
           booked + ", p.id, p.code, p.name, d.name, d.title, d.specialty, d.photo_url, d.active * p.active ";
}
constexpr int kScheduleColumnCount = 22;  // the columns above: readSchedule() reads 0-21
const std::string kScheduleJoins = "JOIN doctor d ON d.id = s.doctor_id JOIN department p ON p.id = d.department_id ";

const std::string kScheduleSelect =
    "SELECT " + scheduleColumns("(SELECT COALESCE(SUM(t.booked), 0) FROM slot t WHERE t.schedule_id = s.id)") +
    "FROM schedule s " + kScheduleJoins;

// Booking reads the slot and its schedule on the writer, once per request:
// one query, and no sum over the schedule's slots (booked stays 0).
const std::string kSlotInScheduleSelect =
    "SELECT " + scheduleColumns("0") +
    ", t.id, t.schedule_id, t.seq, t.start_time, t.end_time, t.capacity, t.booked "
    "FROM slot t JOIN schedule s ON s.id = t.schedule_id " +
    kScheduleJoins + "WHERE t.id = ?";

Schedule readSchedule(const db::Statement& st) {
    Schedule s;
    s.id = st.i64(0);
    s.doctorId = st.i64(1);
    s.date = st.str(2);
    s.session = st.str(3);
    s.startTime = st.str(4);
    s.endTime = st.str(5);
    s.slotMinutes = static_cast<int>(st.i64(6));
    s.room = st.str(7);
    s.capacity = static_cast<int>(st.i64(8));
    s.feeCents = static_cast<int>(st.i64(9));
    s.status = st.str(10);
    s.stopReason = st.str(11);
    s.nextQueueNo = static_cast<int>(st.i64(12));
    s.booked = static_cast<int>(st.i64(13));
    s.departmentId = st.i64(14);
    s.departmentCode = st.str(15);
    s.departmentName = st.str(16);
    s.doctorName = st.str(17);
    s.doctorTitle = st.str(18);
    s.doctorSpecialty = st.str(19);
    s.doctorPhotoUrl = st.str(20);
    s.catalogueActive = st.i64(21) != 0;
    return s;
}

Slot readSlot(const db::Statement& st, int from = 0) {
    Slot s;
    s.id = st.i64(from);
    s.scheduleId = st.i64(from + 1);
    s.seq = static_cast<int>(st.i64(from + 2));
    s.startTime = st.str(from + 3);
    s.endTime = st.str(from + 4);
    s.capacity = static_cast<int>(st.i64(from + 5));
    s.booked = static_cast<int>(st.i64(from + 6));
    return s;
}

}  // namespace

std::vector<Schedule> listSchedules(db::Connection& c, const ScheduleFilter& f) {
    std::string sql = kScheduleSelect + "WHERE s.clinic_date >= ? AND s.clinic_date <= ?";
    if (!f.includeInactive) sql += " AND d.active = 1 AND p.active = 1";
    if (f.departmentId) sql += " AND p.id = ?";
    if (f.doctorId) sql += " AND d.id = ?";
    sql += " ORDER BY s.clinic_date, s.start_time, p.sort_order, p.id, d.id";
    auto st = c.prepare(sql);
    int i = 0;
    st.bind(++i, f.fromDate);
    st.bind(++i, f.toDate);
    if (f.departmentId) st.bind(++i, *f.departmentId);
    if (f.doctorId) st.bind(++i, *f.doctorId);
    std::vector<Schedule> out;
    while (st.step()) out.push_back(readSchedule(st));
    return out;
}

std::optional<Schedule> findSchedule(db::Connection& c, int64_t id) {
    auto st = c.prepare(kScheduleSelect + "WHERE s.id = ?");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readSchedule(st);
}

std::optional<int64_t> findScheduleId(db::Connection& c, int64_t doctorId, const std::string& date,
                                      const std::string& session) {
    auto st = c.prepare("SELECT id FROM schedule WHERE doctor_id = ? AND clinic_date = ? AND session_code = ?");
    st.args(doctorId, date, session);
    if (!st.step()) return std::nullopt;
    return st.i64(0);
}

std::vector<Schedule> openSchedulesUpTo(db::Connection& c, const std::string& date) {
    auto st = c.prepare(kScheduleSelect +
                        "WHERE s.status = 'open' AND s.clinic_date <= ? ORDER BY s.clinic_date, s.end_time");
    st.args(date);
    std::vector<Schedule> out;
    while (st.step()) out.push_back(readSchedule(st));
    return out;
}

bool roomInUseOn(db::Connection& c, const std::string& room, const std::string& date) {
    auto st = c.prepare("SELECT 1 FROM schedule WHERE room = ? AND clinic_date = ? LIMIT 1");
    st.args(room, date);
    return st.step();
}

int64_t insertSchedule(db::Connection& c, const Schedule& s, int64_t nowMs) {
    c.prepare(
         "INSERT INTO schedule (doctor_id, clinic_date, session_code, start_time, end_time, slot_minutes, room, "
         "capacity, fee_cents, status, stop_reason, next_queue_no, created_at, updated_at) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', '', 1, ?, ?)")
        .args(s.doctorId, s.date, s.session, s.startTime, s.endTime, s.slotMinutes, s.room, s.capacity, s.feeCents,
              nowMs, nowMs)
        .run();
    return c.lastInsertId();
}

void updateSchedule(db::Connection& c, const Schedule& s, int64_t nowMs) {
    c.prepare(
         "UPDATE schedule SET start_time = ?, end_time = ?, slot_minutes = ?, room = ?, capacity = ?, "
         "fee_cents = ?, updated_at = ? WHERE id = ?")
        .args(s.startTime, s.endTime, s.slotMinutes, s.room, s.capacity, s.feeCents, nowMs, s.id)
        .run();
}

void setScheduleStatus(db::Connection& c, int64_t id, const std::string& status, const std::string& reason,
                       int64_t nowMs) {
    c.prepare("UPDATE schedule SET status = ?, stop_reason = ?, updated_at = ? WHERE id = ?")
        .args(status, reason, nowMs, id)
        .run();
}

void deleteSchedule(db::Connection& c, int64_t id) {
    deleteSlots(c, id);
    c.prepare("DELETE FROM schedule WHERE id = ?").args(id).run();
}

int64_t takeQueueNumber(db::Connection& c, int64_t scheduleId) {
    auto st = c.prepare("SELECT next_queue_no FROM schedule WHERE id = ?");
    st.args(scheduleId);
    if (!st.step()) throw db::DbError(0, "schedule vanished while taking a queue number");
    const int64_t n = st.i64(0);
    c.prepare("UPDATE schedule SET next_queue_no = next_queue_no + 1 WHERE id = ?").args(scheduleId).run();
    return n;
}

std::vector<Slot> slotsOf(db::Connection& c, int64_t scheduleId) {
    auto st = c.prepare(
        "SELECT id, schedule_id, seq, start_time, end_time, capacity, booked FROM slot WHERE schedule_id = ? "
        "ORDER BY seq");
    st.args(scheduleId);
    std::vector<Slot> out;
    while (st.step()) out.push_back(readSlot(st));
    return out;
}

std::optional<SlotInSchedule> findSlotInSchedule(db::Connection& c, int64_t slotId) {
    auto st = c.prepare(kSlotInScheduleSelect);
    st.args(slotId);
    if (!st.step()) return std::nullopt;
    return SlotInSchedule{readSlot(st, kScheduleColumnCount), readSchedule(st)};
}

void insertSlot(db::Connection& c, const Slot& s) {
    c.prepare("INSERT INTO slot (schedule_id, seq, start_time, end_time, capacity, booked) VALUES (?, ?, ?, ?, ?, 0)")
        .args(s.scheduleId, s.seq, s.startTime, s.endTime, s.capacity)
        .run();
}

void deleteSlots(db::Connection& c, int64_t scheduleId) {
    c.prepare("DELETE FROM slot WHERE schedule_id = ?").args(scheduleId).run();
}

void setSlotCapacity(db::Connection& c, int64_t slotId, int capacity) {
    c.prepare("UPDATE slot SET capacity = ? WHERE id = ?").args(capacity, slotId).run();
}

bool takePlace(db::Connection& c, int64_t slotId) {
    c.prepare("UPDATE slot SET booked = booked + 1 WHERE id = ? AND booked < capacity").args(slotId).run();
    return c.changes() == 1;
}

void freePlace(db::Connection& c, int64_t slotId) {
    c.prepare("UPDATE slot SET booked = booked - 1 WHERE id = ? AND booked > 0").args(slotId).run();
}

void clearPlaces(db::Connection& c, int64_t scheduleId) {
    c.prepare("UPDATE slot SET booked = 0 WHERE schedule_id = ?").args(scheduleId).run();
}

}  // namespace medbox::booking::store
