#include "domain/Messages.h"
#include "domain/BookingEnv.h"

namespace medbox::booking::messages {

namespace {

Poco::JSON::Object::Ptr patient(const Appointment& a) {
    auto p = jsonObject();
    p->set("name", a.patientName);
    p->set("documentType", a.documentType);
    p->set("documentNumber", a.documentNumber);
    p->set("phone", a.phone);
    return p;
}

}  // namespace

Poco::JSON::Object::Ptr created(const Appointment& a, const Schedule& s, const HospitalTime& t) {
    auto m = jsonObject();
    m->set("appointmentId", a.id);
    m->set("scheduleId", s.id);
    m->set("slotId", a.slotId);
    m->set("date", s.date);
    m->set("session", s.session);
    m->set("slotStart", a.slotStart);
    m->set("slotEnd", a.slotEnd);
    m->set("departmentId", s.departmentId);
    m->set("departmentCode", s.departmentCode);
    m->set("departmentName", s.departmentName);
    m->set("doctorId", s.doctorId);
    m->set("doctorName", s.doctorName);
    m->set("doctorTitle", s.doctorTitle);
    m->set("room", s.room);
    m->set("feeCents", s.feeCents);
    m->set("channel", a.channel);
    m->set("createdAt", t.iso(a.createdAt));
    m->set("patient", patient(a));
    return m;
}

Poco::JSON::Object::Ptr cancelled(const Appointment& a, const std::string& reason, int64_t nowMs,
                                  const HospitalTime& t) {
    auto m = jsonObject();
    m->set("appointmentId", a.id);
    m->set("scheduleId", a.scheduleId);
    m->set("date", a.date);
    m->set("session", a.session);
    m->set("reason", reason);
    m->set("cancelledAt", t.iso(nowMs));
    m->set("documentType", a.documentType);
    m->set("documentNumber", a.documentNumber);
    return m;
}

Poco::JSON::Object::Ptr stopClinicNotice(const Appointment& a, const std::string& reason, const HospitalTime&) {
    auto m = jsonObject();
    m->set("appointmentId", a.id);
    m->set("scheduleId", a.scheduleId);
    m->set("date", a.date);
    m->set("session", a.session);
    m->set("slotStart", a.slotStart);
    m->set("slotEnd", a.slotEnd);
    m->set("departmentName", a.departmentName);
    m->set("doctorName", a.doctorName);
    m->set("reason", reason);
    auto p = jsonObject();
    p->set("name", a.patientName);
    p->set("phone", a.phone);
    m->set("patient", p);
    return m;
}

}  // namespace medbox::booking::messages
