#include "domain/Messages.h"
#include "core/http/JsonText.h"

namespace medbox::booking::messages {

std::string created(const Appointment& a, const Schedule& s, const HospitalTime& t) {
    return json::ObjectWriter()
        .number("appointmentId", a.id)
        .number("scheduleId", s.id)
        .number("slotId", a.slotId)
        .string("date", s.date)
        .string("session", s.session)
        .string("slotStart", a.slotStart)
        .string("slotEnd", a.slotEnd)
        .number("departmentId", s.departmentId)
        .string("departmentCode", s.departmentCode)
        .string("departmentName", s.departmentName)
        .number("doctorId", s.doctorId)
        .string("doctorName", s.doctorName)
        .string("doctorTitle", s.doctorTitle)
        .string("room", s.room)
        .number("feeCents", s.feeCents)
        .string("channel", a.channel)
        .string("createdAt", t.iso(a.createdAt))
        .raw("patient", json::ObjectWriter()
                            .string("name", a.patientName)
                            .string("documentType", a.documentType)
                            .string("documentNumber", a.documentNumber)
                            .string("phone", a.phone)
                            .done())
        .done();
}

std::string cancelled(const Appointment& a, const std::string& reason, int64_t nowMs, const HospitalTime& t) {
    return json::ObjectWriter()
        .number("appointmentId", a.id)
        .number("scheduleId", a.scheduleId)
        .string("date", a.date)
        .string("session", a.session)
        .string("reason", reason)
        .string("cancelledAt", t.iso(nowMs))
        .string("documentType", a.documentType)
        .string("documentNumber", a.documentNumber)
        .done();
}

std::string stopClinicNotice(const Appointment& a, const std::string& reason, const HospitalTime&) {
    return json::ObjectWriter()
        .number("appointmentId", a.id)
        .number("scheduleId", a.scheduleId)
        .string("date", a.date)
        .string("session", a.session)
        .string("slotStart", a.slotStart)
        .string("slotEnd", a.slotEnd)
        .string("departmentName", a.departmentName)
        .string("doctorName", a.doctorName)
        .string("reason", reason)
        .raw("patient", json::ObjectWriter().string("name", a.patientName).string("phone", a.phone).done())
        .done();
}

}  // namespace medbox::booking::messages
