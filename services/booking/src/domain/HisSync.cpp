#include "domain/HisSync.h"
#include "core/error/AppError.h"
#include "store/AppointmentStore.h"
#include "store/CatalogueStore.h"
#include "store/ScheduleStore.h"
#include <Poco/JSON/Array.h>
#include <algorithm>

namespace medbox::booking {

namespace {

using Obj = Poco::JSON::Object::Ptr;

std::string str(const Obj& o, const std::string& k, const std::string& def = {}) {
    return o->has(k) && !o->isNull(k) ? o->getValue<std::string>(k) : def;
}
int64_t num(const Obj& o, const std::string& k, int64_t def = 0) {
    return o->has(k) && !o->isNull(k) ? o->getValue<int64_t>(k) : def;
}
bool flag(const Obj& o, const std::string& k, bool def) {
    return o->has(k) && !o->isNull(k) ? o->getValue<bool>(k) : def;
}

}  // namespace

HisSyncResult HisSync::apply(const Caller& who, const std::string& topic, const Obj& data) {
    using Step = bool (HisSync::*)(const Caller&, const Obj&);
    Step step = nullptr;
    std::string list;
    if (topic == "his.departments") step = &HisSync::department, list = "departments";
    if (topic == "his.doctors") step = &HisSync::doctor, list = "doctors";
    if (topic == "his.schedules") step = &HisSync::schedule, list = "schedules";
    if (topic == "his.stop_clinic") step = &HisSync::stop;
    if (topic == "his.booking_refused") step = &HisSync::reverse;
    if (topic == "his.visit_status") step = &HisSync::visit;
    if (!step) throw AppError(Err::BadRequest, "topic " + topic + " is not one booking takes from hisbridge", "topic");
    if (!data) throw AppError(Err::MissingField, "payload.data is required", "payload.data");

    std::vector<Obj> items;
    if (list.empty()) {
        items.push_back(data);
    } else {
        const auto arr = data->getArray(list);
        if (!arr) throw AppError(Err::MissingField, "payload.data." + list + " is required", "payload.data." + list);
        for (size_t i = 0; i < arr->size(); ++i) items.push_back(arr->getObject(static_cast<unsigned>(i)));
    }
    HisSyncResult r;
    for (size_t i = 0; i < items.size(); ++i) {
        try {
            if (!items[i]) throw AppError(Err::InvalidField, "not an object");
            ((this->*step)(who, items[i]) ? r.applied : r.unchanged)++;
        } catch (const AppError& e) {
            r.skipped.push_back({static_cast<int>(i), std::string(e.what())});
        } catch (const Poco::Exception& e) {  // a value of the wrong JSON type
            r.skipped.push_back({static_cast<int>(i), e.displayText()});
        }
    }
    return r;
}

bool HisSync::department(const Caller& who, const Obj& item) {
    Department d;
    d.code = str(item, "code");
    d.name = str(item, "name");
    d.nameEn = str(item, "nameEn");
    d.location = str(item, "location");
    d.description = str(item, "description");
    d.sortOrder = static_cast<int>(num(item, "sortOrder"));
    d.active = flag(item, "active", true);
    if (d.code.empty() || d.name.empty()) throw AppError(Err::InvalidField, "code and name are required");
    const auto existing = env_.db.read([&](db::Connection& c) { return store::findDepartmentByCode(c, d.code); });
    if (!existing) {
        catalogue_.createDepartment(who, d);
        return true;
    }
    d.id = existing->id;
    if (existing->name == d.name && existing->nameEn == d.nameEn && existing->location == d.location &&
        existing->description == d.description && existing->sortOrder == d.sortOrder && existing->active == d.active)
        return false;
    catalogue_.updateDepartment(who, d);
    return true;
}

int64_t HisSync::doctorIdOf(const std::string& hisCode) const {
    const auto id = env_.db.read([&](db::Connection& c) -> std::optional<int64_t> {
        auto st = c.prepare("SELECT doctor_id FROM his_doctor WHERE his_code = ?");
        st.args(hisCode);
        if (!st.step()) return std::nullopt;
        return st.i64(0);
    });
    if (!id) throw AppError(Err::InvalidField, "doctor " + hisCode + " is not known (send it with T103 first)");
    return *id;
}

bool HisSync::doctor(const Caller& who, const Obj& item) {
    const std::string code = str(item, "code"), deptCode = str(item, "departmentCode");
    Doctor d;
    d.name = str(item, "name");
    d.title = str(item, "title");
    d.specialty = str(item, "specialty");
    d.introduction = str(item, "introduction");
    d.active = flag(item, "active", true);
    if (code.empty() || d.name.empty()) throw AppError(Err::InvalidField, "code and name are required");
    if (std::find(doctorTitles().begin(), doctorTitles().end(), d.title) == doctorTitles().end())
        throw AppError(Err::InvalidField, "title " + d.title + " is not one booking knows");
    bool changed = false;
    // One transaction: the doctor and its HIS code together, so that a
    // message delivered again never creates the doctor twice.
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const auto dept = store::findDepartmentByCode(c, deptCode);
        if (!dept)
            throw AppError(Err::InvalidField, "department " + deptCode + " is not known (send it with T102 first)");
        d.departmentId = dept->id;
        auto st = c.prepare("SELECT doctor_id FROM his_doctor WHERE his_code = ?");
        st.args(code);
        std::optional<Doctor> existing;
        if (st.step()) existing = store::findDoctor(c, st.i64(0));
        const int64_t now = env_.now();
        if (!existing) {
            d.id = store::insertDoctor(c, d, now);
            c.prepare("INSERT INTO his_doctor (his_code, doctor_id) VALUES (?, ?)").args(code, d.id).run();
        } else {
            d.id = existing->id;
            d.photoUrl = existing->photoUrl;  // booking's own; the HIS sends none
            if (existing->departmentId == d.departmentId && existing->name == d.name && existing->title == d.title &&
                existing->specialty == d.specialty && existing->introduction == d.introduction &&
                existing->active == d.active)
                return;
            store::updateDoctor(c, d, now);
        }
        changed = true;
        auto detail = jsonObject();
        detail->set("departmentId", d.departmentId);
        detail->set("hisCode", code);
        env_.effects.auditIn(tx, who.actor, existing ? "booking.doctor_update" : "booking.doctor_create",
                             "doctor:" + std::to_string(d.id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return changed;
}

bool HisSync::schedule(const Caller& who, const Obj& item) {
    ScheduleInput in;
    in.doctorId = doctorIdOf(str(item, "doctorCode"));
    in.date = str(item, "date");
    in.session = str(item, "session");
    in.startTime = str(item, "start");
    in.endTime = str(item, "end");
    in.slotMinutes = static_cast<int>(num(item, "slotMinutes", 30));
    in.room = str(item, "room");
    in.capacity = static_cast<int>(num(item, "capacity"));
    in.feeCents = static_cast<int>(num(item, "feeCents"));
    const auto id = env_.db.read(
        [&](db::Connection& c) { return store::findScheduleId(c, in.doctorId, in.date, in.session); });
    if (!id) {
        schedules_.create(who, in);
        return true;
    }
    const Schedule s = schedules_.get(*id);
    if (s.startTime == in.startTime && s.endTime == in.endTime && s.slotMinutes == in.slotMinutes &&
        s.room == in.room && s.capacity == in.capacity && s.feeCents == in.feeCents)
        return false;
    schedules_.update(who, *id, in);
    return true;
}

bool HisSync::stop(const Caller& who, const Obj& item) {
    const int64_t doctorId = doctorIdOf(str(item, "doctorCode"));
    const std::string date = str(item, "date"), session = str(item, "session");
    const auto id = env_.db.read([&](db::Connection& c) { return store::findScheduleId(c, doctorId, date, session); });
    if (!id) throw AppError(Err::InvalidField, "no " + session + " session on " + date + " for this doctor");
    if (schedules_.get(*id).status == "stopped") return false;  // delivered again
    schedules_.stop(who, *id, str(item, "reason"));
    return true;
}

bool HisSync::reverse(const Caller& who, const Obj& item) {
    const int64_t id = num(item, "appointmentId");
    const std::string reason = "his_refused: " + str(item, "code") + " " + str(item, "reason");
    bool changed = false;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const auto a = store::findAppointment(c, id);
        if (!a) throw AppError(Err::InvalidField, "appointment " + std::to_string(id) + " does not exist");
        if (a->status == "cancelled" && a->cancelReason.rfind("his_refused", 0) == 0) return;  // delivered again
        if (a->status != "booked")
            throw AppError(Err::InvalidField, "appointment " + std::to_string(id) + " is " + a->status);
        // Not Appointments::cancel: the HIS never took this booking, so no
        // booking.cancelled goes back to it; the place is free again.
        store::markCancelled(c, id, "cancelled", reason.substr(0, 200), env_.now());
        store::freePlace(c, a->slotId);
        auto detail = jsonObject();
        detail->set("code", str(item, "code"));
        env_.effects.auditIn(tx, who.actor, "booking.his_refused", "appointment:" + std::to_string(id), detail);
        env_.cache.invalidateAfter(tx);
        changed = true;
    });
    return changed;
}

bool HisSync::visit(const Caller& who, const Obj& item) {
    const int64_t id = num(item, "appointmentId");
    const std::string his = str(item, "status");
    // What the HIS saw at its desk, in booking's words, and from which states it may follow.
    std::string target;
    std::vector<std::string> from;
    if (his == "visited") target = "completed", from = {"booked", "checked_in", "called"};
    if (his == "no_show") target = "no_show", from = {"booked"};
    if (his == "refunded") target = "cancelled", from = {"booked", "checked_in"};
    if (target.empty()) throw AppError(Err::InvalidField, "status " + his + " is not one booking knows");
    bool changed = false;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const auto a = store::findAppointment(c, id);
        if (!a) throw AppError(Err::InvalidField, "appointment " + std::to_string(id) + " does not exist");
        if (a->status == target) return;  // delivered again, or booking got there first
        if (std::find(from.begin(), from.end(), a->status) == from.end())
            throw AppError(Err::InvalidField,
                           "appointment " + std::to_string(id) + " is " + a->status + "; the HIS says " + his);
        const int64_t now = env_.now();
        if (target == "cancelled") {
            store::markCancelled(c, id, "cancelled", "his_refunded", now);
            store::freePlace(c, a->slotId);
        } else {
            store::markFinished(c, id, target, now);
        }
        auto detail = jsonObject();
        detail->set("status", target);
        env_.effects.auditIn(tx, who.actor, "booking.his_visit_status", "appointment:" + std::to_string(id), detail);
        env_.cache.invalidateAfter(tx);
        changed = true;
    });
    return changed;
}

}  // namespace medbox::booking
