#include "handlers/Views.h"
#include "domain/Patient.h"
#include "domain/Rules.h"
#include "core/http/JsonText.h"
#include "core/log/Mask.h"

namespace medbox::booking::views {

namespace {

Poco::Dynamic::Var optIso(const std::optional<int64_t>& ms, const HospitalTime& t) {
    if (!ms) return Poco::Dynamic::Var();
    return t.iso(*ms);
}

Poco::Dynamic::Var optNumber(const std::optional<int64_t>& v) {
    if (!v) return Poco::Dynamic::Var();
    return *v;
}

}  // namespace

Poco::JSON::Object::Ptr department(const Department& d) {
    auto o = jsonObject();
    o->set("id", d.id);
    o->set("code", d.code);
    o->set("name", d.name);
    o->set("nameEn", d.nameEn);
    o->set("location", d.location);
    o->set("description", d.description);
    o->set("sortOrder", d.sortOrder);
    o->set("active", d.active);
    return o;
}

Poco::JSON::Object::Ptr doctor(const Doctor& d) {
    auto o = jsonObject();
    o->set("id", d.id);
    o->set("departmentId", d.departmentId);
    o->set("departmentName", d.departmentName);
    o->set("name", d.name);
    o->set("title", d.title);
    o->set("specialty", d.specialty);
    o->set("photoUrl", d.photoUrl);
    o->set("introduction", d.introduction);
    o->set("active", d.active);
    return o;
}

Poco::JSON::Object::Ptr schedule(const Schedule& s, const ScheduleAvailability& a, const HospitalTime& t,
                                 bool withSlots) {
    auto o = jsonObject();
    o->set("id", s.id);
    o->set("date", s.date);
    o->set("session", s.session);
    o->set("startTime", s.startTime);
    o->set("endTime", s.endTime);
    o->set("slotMinutes", s.slotMinutes);
    o->set("room", s.room);
    o->set("status", s.status);
    o->set("stopReason", s.stopReason);
    auto dep = jsonObject();
    dep->set("id", s.departmentId);
    dep->set("code", s.departmentCode);
    dep->set("name", s.departmentName);
    o->set("department", dep);
    auto doc = jsonObject();
    doc->set("id", s.doctorId);
    doc->set("name", s.doctorName);
    doc->set("title", s.doctorTitle);
    doc->set("specialty", s.doctorSpecialty);
    doc->set("photoUrl", s.doctorPhotoUrl);
    o->set("doctor", doc);
    o->set("feeCents", s.feeCents);
    o->set("capacity", s.capacity);
    o->set("booked", s.booked);
    o->set("remaining", a.remaining);
    o->set("bookableRemaining", a.bookableRemaining);
    o->set("releaseAt", t.iso(a.releaseAtMs));
    o->set("released", a.released);
    o->set("bookable", a.bookable);
    if (withSlots) {
        Poco::JSON::Array::Ptr slots = new Poco::JSON::Array;
        for (const SlotAvailability& sa : a.slots) {
            auto so = jsonObject();
            so->set("id", sa.slot.id);
            so->set("seq", sa.slot.seq);
            so->set("startTime", sa.slot.startTime);
            so->set("endTime", sa.slot.endTime);
            so->set("capacity", sa.slot.capacity);
            so->set("booked", sa.slot.booked);
            so->set("remaining", sa.remaining);
            so->set("bookable", sa.bookable);
            slots->add(so);
        }
        o->set("slots", slots);
    }
    return o;
}

std::string appointment(const Appointment& a, Personal personal, const BookingEnv& env, std::optional<int> ahead) {
    const HospitalTime& t = env.time;
    const int64_t slotStart = slotStartMs(t, a.date, a.slotStart);
    const int64_t deadline = cancelDeadlineMs(env.rules, slotStart);
    const bool full = personal == Personal::Full;
    json::ObjectWriter o;
    auto isoOrNull = [&](std::string_view key, const std::optional<int64_t>& ms) {
        if (ms)
            o.string(key, t.iso(*ms));
        else
            o.null(key);
    };
    auto numberOrNull = [&](std::string_view key, const std::optional<int64_t>& v) {
        if (v)
            o.number(key, *v);
        else
            o.null(key);
    };
    o.number("id", a.id)
        .string("status", a.status)
        .string("channel", a.channel)
        .number("scheduleId", a.scheduleId)
        .number("slotId", a.slotId)
        .string("date", a.date)
        .string("session", a.session)
        .string("slotStart", a.slotStart)
        .string("slotEnd", a.slotEnd)
        .string("room", a.room)
        .raw("department", json::ObjectWriter().number("id", a.departmentId).string("name", a.departmentName).done())
        .raw("doctor", json::ObjectWriter()
                           .number("id", a.doctorId)
                           .string("name", a.doctorName)
                           .string("title", a.doctorTitle)
                           .done())
        .raw("patient",
             json::ObjectWriter()
                 .string("name", full ? a.patientName : mask::name(a.patientName))
                 .string("documentType", a.documentType)
                 .string("documentNumber", full ? a.documentNumber : maskDocument(a.documentType, a.documentNumber))
                 .string("phone", full ? a.phone : mask::phone(a.phone))
                 .done())
        .string("createdAt", t.iso(a.createdAt))
        .string("cancelDeadline", t.iso(deadline))
        .boolean("cancellable", a.status == "booked" && env.now() <= deadline);
    isoOrNull("cancelledAt", a.cancelledAt);
    o.string("cancelReason", a.cancelReason);
    isoOrNull("checkedInAt", a.checkedInAt);
    numberOrNull("queueNo", a.queueNo);
    numberOrNull("aheadCount", ahead ? std::optional<int64_t>(*ahead) : std::nullopt);
    isoOrNull("calledAt", a.calledAt);
    o.number("callCount", a.callCount).number("passCount", a.passCount);
    isoOrNull("finishedAt", a.finishedAt);
    return o.done();
}

Poco::JSON::Object::Ptr queue(const QueueState& q, const HospitalTime& t) {
    auto o = jsonObject();
    o->set("room", q.room);
    o->set("date", q.date);
    if (q.current) {
        const Appointment& a = *q.current;
        auto c = jsonObject();
        c->set("appointmentId", a.id);
        c->set("queueNo", optNumber(a.queueNo));
        c->set("scheduleId", a.scheduleId);
        c->set("doctorName", a.doctorName);
        c->set("patientName", mask::name(a.patientName));
        c->set("calledAt", optIso(a.calledAt, t));
        c->set("callCount", a.callCount);
        o->set("current", c);
    } else {
        o->set("current", Poco::Dynamic::Var());
    }
    o->set("waitingCount", static_cast<int>(q.waiting.size()));
    Poco::JSON::Array::Ptr waiting = new Poco::JSON::Array;
    for (const Appointment& a : q.waiting) {
        auto w = jsonObject();
        w->set("appointmentId", a.id);
        w->set("queueNo", optNumber(a.queueNo));
        w->set("scheduleId", a.scheduleId);
        w->set("patientName", mask::name(a.patientName));
        w->set("passCount", a.passCount);
        waiting->add(w);
    }
    o->set("waiting", waiting);
    return o;
}

}  // namespace medbox::booking::views
