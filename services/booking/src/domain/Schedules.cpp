#include "domain/Schedules.h"
#include "domain/Availability.h"
#include "domain/Messages.h"
#include "domain/Rules.h"
#include "core/error/AppError.h"
#include "core/error/OrNotFound.h"
#include "store/AppointmentStore.h"
#include "store/CatalogueStore.h"

namespace medbox::booking {

namespace {

std::string idText(int64_t id) { return std::to_string(id); }

Poco::JSON::Object::Ptr scheduleDetail(const ScheduleInput& in) {
    auto d = jsonObject();
    d->set("doctorId", in.doctorId);
    d->set("date", in.date);
    d->set("session", in.session);
    d->set("startTime", in.startTime);
    d->set("endTime", in.endTime);
    d->set("slotMinutes", in.slotMinutes);
    d->set("room", in.room);
    d->set("capacity", in.capacity);
    d->set("feeCents", in.feeCents);
    return d;
}

void insertPlan(db::Connection& c, int64_t scheduleId, const std::vector<SlotPlan>& plan) {
    for (const SlotPlan& p : plan) {
        Slot s;
        s.scheduleId = scheduleId;
        s.seq = p.seq;
        s.startTime = formatTimeOfDay(p.start);
        s.endTime = formatTimeOfDay(p.end);
        s.capacity = p.capacity;
        store::insertSlot(c, s);
    }
}

}  // namespace

Schedule Schedules::get(int64_t id) const {
    return orNotFound(env_.db.read([&](db::Connection& c) { return store::findSchedule(c, id); }), "schedule", id);
}

std::vector<Appointment> Schedules::appointments(int64_t id) const {
    get(id);
    return env_.db.read([&](db::Connection& c) { return store::appointmentsOfSchedule(c, id); });
}

void Schedules::checkTimes(const ScheduleInput& in, int64_t day) const {
    const auto start = parseTimeOfDay(in.startTime);
    const auto end = parseTimeOfDay(in.endTime);
    if (!start) throw AppError(Err::InvalidField, "startTime must be HH:MM", "startTime");
    if (!end) throw AppError(Err::InvalidField, "endTime must be HH:MM", "endTime");
    if (*start >= *end) throw AppError(Err::InvalidField, "endTime must be after startTime", "endTime");
    const int64_t now = env_.now();
    if (env_.time.toMs(day, *end) <= now)
        throw AppError(Err::InvalidField, "the session would already be over", "endTime");
    const auto plan = planSlots(*start, *end, in.slotMinutes, in.capacity);
    if (plan.empty()) throw AppError(Err::InvalidField, "capacity must be at least 1", "capacity");
    if (plan.size() > 200) throw AppError(Err::InvalidField, "more than 200 slots; use longer slots", "slotMinutes");
}

Schedule Schedules::create(const Caller& who, const ScheduleInput& in) {
    const auto day = parseDate(in.date);
    if (!day) throw AppError(Err::InvalidField, "date must be a real date YYYY-MM-DD", "date");
    const int64_t today = env_.time.day(env_.now());
    if (*day < today) throw AppError(Err::InvalidField, "date is in the past", "date");
    if (*day > today + env_.rules.scheduleHorizonDays)
        throw AppError(Err::InvalidField,
                       "date is more than " + std::to_string(env_.rules.scheduleHorizonDays) + " days ahead", "date");
    checkTimes(in, *day);
    const auto plan = planSlots(*parseTimeOfDay(in.startTime), *parseTimeOfDay(in.endTime), in.slotMinutes,
                                in.capacity);
    int64_t id = 0;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto doctor = store::findDoctor(c, in.doctorId);
        if (!doctor) throw AppError(Err::InvalidField, "doctor " + idText(in.doctorId) + " does not exist", "doctorId");
        if (!doctor->active)
            throw AppError(Err::InvalidField, "doctor " + idText(in.doctorId) + " is inactive", "doctorId");
        if (store::findScheduleId(c, in.doctorId, in.date, in.session))
            throw AppError(Err::Conflict, "this doctor already has a " + in.session + " session on " + in.date,
                           "session");
        Schedule s;
        s.doctorId = in.doctorId;
        s.date = in.date;
        s.session = in.session;
        s.startTime = in.startTime;
        s.endTime = in.endTime;
        s.slotMinutes = in.slotMinutes;
        s.room = in.room;
        s.capacity = in.capacity;
        s.feeCents = in.feeCents;
        id = store::insertSchedule(c, s, env_.now());
        insertPlan(c, id, plan);
        env_.effects.auditIn(tx, who.actor, "booking.schedule_create", "schedule:" + idText(id), scheduleDetail(in));
        env_.cache.invalidateAfter(tx);
    });
    return get(id);
}

Schedule Schedules::update(const Caller& who, int64_t id, const ScheduleInput& in) {
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto s = orNotFound(store::findSchedule(c, id), "schedule", id);
        if (s.status == "stopped") throw AppError(Err::ScheduleStopped, "the session was stopped (停诊)");
        if (s.status == "closed") throw AppError(Err::Conflict, "the session is closed");
        const bool timesChanged = in.startTime != s.startTime || in.endTime != s.endTime ||
                                  in.slotMinutes != s.slotMinutes;
        const int64_t day = parseDate(s.date).value_or(0);
        if (store::countAppointmentsOfSchedule(c, id) == 0) {
            // Nothing references the slots yet: lay them out afresh.
            checkTimes(in, day);
            store::deleteSlots(c, id);
            insertPlan(c, id,
                       planSlots(*parseTimeOfDay(in.startTime), *parseTimeOfDay(in.endTime), in.slotMinutes,
                                 in.capacity));
        } else {
            if (timesChanged)
                throw AppError(Err::Conflict, "times cannot change once patients have booked; stop the session instead",
                               in.startTime != s.startTime ? "startTime"
                               : in.endTime != s.endTime   ? "endTime"
                                                           : "slotMinutes");
            auto slots = store::slotsOf(c, id);
            const auto caps = spreadCapacity(in.capacity, static_cast<int>(slots.size()));
            for (size_t i = 0; i < slots.size(); ++i) {
                if (caps[i] < slots[i].booked)
                    throw AppError(Err::Conflict,
                                   "slot " + slots[i].startTime + " already has " + std::to_string(slots[i].booked) +
                                       " bookings; capacity would leave it " + std::to_string(caps[i]),
                                   "capacity");
                store::setSlotCapacity(c, slots[i].id, caps[i]);
            }
        }
        Schedule changed = s;
        changed.startTime = in.startTime;
        changed.endTime = in.endTime;
        changed.slotMinutes = in.slotMinutes;
        changed.room = in.room;
        changed.capacity = in.capacity;
        changed.feeCents = in.feeCents;
        store::updateSchedule(c, changed, env_.now());
        auto detail = scheduleDetail(in);
        detail->set("doctorId", s.doctorId);
        detail->set("date", s.date);
        detail->set("session", s.session);
        env_.effects.auditIn(tx, who.actor, "booking.schedule_update", "schedule:" + idText(id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return get(id);
}

void Schedules::remove(const Caller& who, int64_t id) {
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto s = orNotFound(store::findSchedule(c, id), "schedule", id);
        if (store::countAppointmentsOfSchedule(c, id) > 0)
            throw AppError(Err::Conflict, "the schedule has bookings; stop the session instead of deleting it");
        store::deleteSchedule(c, id);
        auto detail = jsonObject();
        detail->set("doctorId", s.doctorId);
        detail->set("date", s.date);
        detail->set("session", s.session);
        env_.effects.auditIn(tx, who.actor, "booking.schedule_delete", "schedule:" + idText(id), detail);
        env_.cache.invalidateAfter(tx);
    });
}

Schedule Schedules::stop(const Caller& who, int64_t id, const std::string& reason, int* cancelledOut) {
    int cancelled = 0;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto s = orNotFound(store::findSchedule(c, id), "schedule", id);
        if (s.status == "stopped") throw AppError(Err::ScheduleStopped, "the session is already stopped");
        if (s.status == "closed") throw AppError(Err::Conflict, "the session is closed");
        const int64_t now = env_.now();
        if (now >= sessionEndMs(env_.time, s)) throw AppError(Err::Conflict, "the session is already over");
        for (const Appointment& a : store::appointmentsOfSchedule(c, id)) {
            if (a.status != "booked" && a.status != "checked_in" && a.status != "called") continue;
            store::markCancelled(c, a.id, "stopped", reason, now);
            env_.effects.sendIn(tx, messages::kPortal, messages::kStopClinicNotice,
                                messages::stopClinicNotice(a, reason, env_.time));
            env_.effects.sendIn(tx, messages::kHisbridge, messages::kCancelled,
                                messages::cancelled(a, "stop_clinic", now, env_.time));
            ++cancelled;
        }
        store::clearPlaces(c, id);
        store::setScheduleStatus(c, id, "stopped", reason, now);
        auto detail = jsonObject();
        detail->set("reason", reason);
        detail->set("cancelled", cancelled);
        env_.effects.auditIn(tx, who.actor, "booking.schedule_stop", "schedule:" + idText(id), detail);
        env_.cache.invalidateAfter(tx);
    });
    if (cancelledOut) *cancelledOut = cancelled;
    return get(id);
}

CloseResult Schedules::close(const Caller& who, int64_t id) {
    CloseResult r;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto s = orNotFound(store::findSchedule(c, id), "schedule", id);
        if (s.status == "closed") throw AppError(Err::Conflict, "the session is already closed");
        if (s.status == "stopped") throw AppError(Err::ScheduleStopped, "the session was stopped (停诊)");
        const int64_t now = env_.now();
        if (now < sessionStartMs(env_.time, s)) throw AppError(Err::Conflict, "the session has not started yet");
        for (const Appointment& a : store::appointmentsOfSchedule(c, id)) {
            if (a.status == "booked") {
                store::markFinished(c, a.id, "no_show", now);
                ++r.noShows;
            } else if (a.status == "checked_in") {
                store::markFinished(c, a.id, "unserved", now);
                ++r.unserved;
            } else if (a.status == "called") {
                store::markFinished(c, a.id, "completed", now);
                ++r.completed;
            }
        }
        store::setScheduleStatus(c, id, "closed", s.stopReason, now);
        auto detail = jsonObject();
        detail->set("noShows", r.noShows);
        detail->set("unserved", r.unserved);
        detail->set("completed", r.completed);
        env_.effects.auditIn(tx, who.actor, "booking.schedule_close", "schedule:" + idText(id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return r;
}

int Schedules::closeOverdue(const Caller& who) {
    if (env_.rules.autoCloseAfterMinutes <= 0) return 0;
    const int64_t now = env_.now();
    const auto open = env_.db.read([&](db::Connection& c) { return store::openSchedulesUpTo(c, env_.today()); });
    int closed = 0;
    for (const Schedule& s : open) {
        if (now < sessionEndMs(env_.time, s) + env_.rules.autoCloseAfterMinutes * 60'000LL) continue;
        try {
            close(who, s.id);
            ++closed;
        } catch (const AppError&) {
            // Closed or stopped by staff in the meantime: nothing left to do.
        }
    }
    return closed;
}

}  // namespace medbox::booking
