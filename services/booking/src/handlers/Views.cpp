#include "handlers/Views.h"
#include "domain/Patient.h"
#include "domain/Rules.h"
#include "log/Mask.h"

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

Poco::JSON::Object::Ptr appointment(const Appointment& a, Personal personal, const BookingEnv& env,
                                    std::optional<int> ahead) {
    const HospitalTime& t = env.time;
    const int64_t slotStart = slotStartMs(t, a.date, a.slotStart);
    const int64_t deadline = cancelDeadlineMs(env.rules, slotStart);
    auto o = jsonObject();
    o->set("id", a.id);
    o->set("status", a.status);
    o->set("channel", a.channel);
    o->set("scheduleId", a.scheduleId);
    o->set("slotId", a.slotId);
    o->set("date", a.date);
    o->set("session", a.session);
    o->set("slotStart", a.slotStart);
    o->set("slotEnd", a.slotEnd);
    o->set("room", a.room);
    auto dep = jsonObject();
    dep->set("id", a.departmentId);
    dep->set("name", a.departmentName);
    o->set("department", dep);
    auto doc = jsonObject();
    doc->set("id", a.doctorId);
    doc->set("name", a.doctorName);
    doc->set("title", a.doctorTitle);
    o->set("doctor", doc);
    auto p = jsonObject();
    const bool full = personal == Personal::Full;
    p->set("name", full ? a.patientName : mask::name(a.patientName));
    p->set("documentType", a.documentType);
    p->set("documentNumber", full ? a.documentNumber : maskDocument(a.documentType, a.documentNumber));
    p->set("phone", full ? a.phone : mask::phone(a.phone));
    o->set("patient", p);
    o->set("createdAt", t.iso(a.createdAt));
    o->set("cancelDeadline", t.iso(deadline));
    o->set("cancellable", a.status == "booked" && env.now() <= deadline);
    o->set("cancelledAt", optIso(a.cancelledAt, t));
    o->set("cancelReason", a.cancelReason);
    o->set("checkedInAt", optIso(a.checkedInAt, t));
    o->set("queueNo", optNumber(a.queueNo));
    o->set("aheadCount", ahead ? Poco::Dynamic::Var(*ahead) : Poco::Dynamic::Var());
    o->set("calledAt", optIso(a.calledAt, t));
    o->set("callCount", a.callCount);
    o->set("passCount", a.passCount);
    o->set("finishedAt", optIso(a.finishedAt, t));
    return o;
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
