// Schedules: availability reads (the hot path, served from AvailabilityCache),
// schedule management for schedulers, stop-clinic and session close.
#include "domain/Availability.h"
#include "domain/Rules.h"
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "handlers/Views.h"
#include "core/error/AppError.h"
#include "store/ScheduleStore.h"
#include <algorithm>

namespace medbox::booking {

namespace {

// Lists without a date show this many days beyond the release horizon (visible,
// not yet bookable).
constexpr int kListDaysBeyondRelease = 7;

std::string roomOf(const JsonBody& b) {
    std::string room = b.str("room", 32);
    if (!isRoomCode(room)) throw AppError(Err::InvalidField, "room is 1-32 of A-Z a-z 0-9 - _ .", b.path("room"));
    return room;
}

ScheduleInput parseCreate(const JsonBody& b, const BookingRules& r) {
    b.allowOnly({"doctorId", "date", "session", "startTime", "endTime", "slotMinutes", "room", "capacity", "feeCents"});
    ScheduleInput in;
    in.doctorId = b.integer("doctorId", 1, INT64_MAX);
    in.date = b.date("date");
    in.session = b.oneOf("session", sessionNames());
    const SessionHours& h = r.hours(in.session);
    in.startTime = b.has("startTime") ? b.timeOfDay("startTime") : formatTimeOfDay(h.start);
    in.endTime = b.has("endTime") ? b.timeOfDay("endTime") : formatTimeOfDay(h.end);
    in.slotMinutes = static_cast<int>(b.optInteger("slotMinutes", 5, 240).value_or(r.defaultSlotMinutes));
    in.room = roomOf(b);
    in.capacity = static_cast<int>(b.integer("capacity", 1, 500));
    in.feeCents = static_cast<int>(b.optInteger("feeCents", 0, 10'000'000).value_or(0));
    return in;
}

// PUT: room and capacity are required; times and fee keep their current value
// when left out.
ScheduleInput parseUpdate(const JsonBody& b, const Schedule& current) {
    b.allowOnly({"startTime", "endTime", "slotMinutes", "room", "capacity", "feeCents"});
    ScheduleInput in;
    in.doctorId = current.doctorId;
    in.date = current.date;
    in.session = current.session;
    in.startTime = b.has("startTime") ? b.timeOfDay("startTime") : current.startTime;
    in.endTime = b.has("endTime") ? b.timeOfDay("endTime") : current.endTime;
    in.slotMinutes = static_cast<int>(b.optInteger("slotMinutes", 5, 240).value_or(current.slotMinutes));
    in.room = roomOf(b);
    in.capacity = static_cast<int>(b.integer("capacity", 1, 500));
    in.feeCents = static_cast<int>(b.optInteger("feeCents", 0, 10'000'000).value_or(current.feeCents));
    return in;
}

}  // namespace

void Handlers::listSchedules(Request& rq, Reply& rp) {
    const auto date = input::date(rq, "date");
    const auto department = input::id(rq, "department");
    const auto doctor = input::id(rq, "doctor");
    const int64_t now = env_.now();
    const int64_t today = env_.time.day(now);
    const std::string key = "l:" + (date ? *date : "~" + std::to_string(today)) + "|" +
                            (department ? std::to_string(*department) : "") + "|" +
                            (doctor ? std::to_string(*doctor) : "");
    if (auto hit = env_.cache.get(key, now)) {
        rp.rawJson(std::move(*hit));
        return;
    }
    if (department) catalogue_.requireDepartment(*department, "department");
    if (doctor) catalogue_.requireDoctor(*doctor, "doctor");
    store::ScheduleFilter f;
    f.fromDate = date ? *date : formatDate(today);
    f.toDate = date ? *date : formatDate(today + env_.rules.releaseDaysAhead + kListDaysBeyondRelease);
    f.departmentId = department;
    f.doctorId = doctor;
    const uint64_t generation = env_.cache.generation();                   // before the read: see AvailabilityCache
    int64_t validUntil = date ? INT64_MAX : env_.time.toMs(today + 1, 0);  // the default range moves at midnight
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    env_.db.read([&](db::Connection& c) {
        for (const Schedule& s : store::listSchedules(c, f)) {
            const auto a = availability(env_.rules, env_.time, s, store::slotsOf(c, s.id), now);
            validUntil = std::min(validUntil, a.validUntilMs);
            arr->add(views::schedule(s, a, env_.time, false));
        }
    });
    auto o = jsonObject();
    o->set("items", arr);
    std::string json = toJsonText(o);
    env_.cache.put(key, json, validUntil, generation);
    rp.rawJson(std::move(json));
}

void Handlers::getSchedule(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    const int64_t now = env_.now();
    const std::string key = "s:" + std::to_string(id);
    if (auto hit = env_.cache.get(key, now)) {
        rp.rawJson(std::move(*hit));
        return;
    }
    const uint64_t generation = env_.cache.generation();
    auto found = env_.db.read([&](db::Connection& c) -> std::optional<std::pair<Schedule, std::vector<Slot>>> {
        auto s = store::findSchedule(c, id);
        if (!s) return std::nullopt;
        return std::make_pair(*s, store::slotsOf(c, id));
    });
    if (!found) throw AppError(Err::NotFound, "schedule " + std::to_string(id) + " does not exist");
    const auto a = availability(env_.rules, env_.time, found->first, found->second, now);
    std::string json = toJsonText(views::schedule(found->first, a, env_.time, true));
    env_.cache.put(key, json, a.validUntilMs, generation);
    rp.rawJson(std::move(json));
}

namespace {
Poco::JSON::Object::Ptr scheduleObject(BookingEnv& env, const Schedule& s) {
    const auto slots = env.db.read([&](db::Connection& c) { return store::slotsOf(c, s.id); });
    return views::schedule(s, availability(env.rules, env.time, s, slots, env.now()), env.time, true);
}
}  // namespace

void Handlers::createSchedule(Request& rq, Reply& rp) {
    const Schedule s = schedules_.create(input::caller(rq), parseCreate(rq.json(), env_.rules));
    rp.status(201);
    rp.header("Location", "/api/v1/schedules/" + std::to_string(s.id));
    rp.json(scheduleObject(env_, s));
}

void Handlers::updateSchedule(Request& rq, Reply& rp) {
    const Schedule current = schedules_.get(rq.idParam("id"));
    const Schedule s = schedules_.update(input::caller(rq), current.id, parseUpdate(rq.json(), current));
    rp.json(scheduleObject(env_, s));
}

void Handlers::deleteSchedule(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    schedules_.remove(input::caller(rq), id);
    auto o = jsonObject();
    o->set("id", id);
    o->set("deleted", true);
    rp.json(o);
}

void Handlers::stopSchedule(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    schedules_.get(id);  // 404 before 400
    const JsonBody b = rq.json();
    b.allowOnly({"reason"});
    const std::string reason = input::requiredText(b, "reason", 200);
    int cancelled = 0;
    const Schedule s = schedules_.stop(input::caller(rq), id, reason, &cancelled);
    auto o = scheduleObject(env_, s);
    o->set("cancelledAppointments", cancelled);
    rp.json(o);
}

void Handlers::closeSchedule(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    schedules_.get(id);
    input::optionalBody(rq).allowOnly({});
    const CloseResult r = schedules_.close(input::caller(rq), id);
    auto o = jsonObject();
    o->set("id", id);
    o->set("status", "closed");
    o->set("noShows", r.noShows);
    o->set("unserved", r.unserved);
    o->set("completed", r.completed);
    rp.json(o);
}

void Handlers::listScheduleAppointments(Request& rq, Reply& rp) {
    const auto rows = schedules_.appointments(rq.idParam("id"));
    rp.rawJson(views::itemsText(rows, [&](const Appointment& a) {
        return views::appointment(a, views::Personal::Masked, env_);
    }));
}

}  // namespace medbox::booking
