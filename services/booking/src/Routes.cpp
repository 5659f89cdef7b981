// Every route of the booking service and who may call it. Keep in step with
// web/openapi.json (each operation's x-access is Access::describe()).
//
// Roles: scheduler (排班) manages departments, doctors and schedules and stops
// sessions; registrar (挂号/分诊 desk) books, cancels and checks in on behalf
// of patients and closes sessions; nurse checks in and calls the queue;
// doctor calls the queue; admin may do what schedulers do and close sessions.
// The portal service acts for patients it has authenticated.
#include "Routes.h"
#include "domain/BookingEnv.h"
#include "handlers/Handlers.h"
#include <memory>

namespace medbox::booking {

void registerRoutes(Router& r, BookingEnv& env) {
    const auto bind = methodsOf(std::make_shared<Handlers>(env));

    const Access catalogue = Access::staffOrService({"admin", "scheduler", "registrar", "nurse", "doctor"}, {"portal"});
    const Access scheduling = Access::staff({"admin", "scheduler"});
    const Access closing = Access::staff({"admin", "registrar"});
    const Access rosterView = Access::staff({"admin", "scheduler", "registrar", "nurse", "doctor"});
    const Access booking = Access::staffOrService({"registrar"}, {"portal"});
    const Access record = Access::staffOrService({"registrar", "nurse"}, {"portal"});
    const Access checkIn = Access::staffOrService({"registrar", "nurse"}, {"portal"});
    const Access queueView = Access::staffOrService({"nurse", "doctor", "registrar"}, {"portal"});
    const Access calling = Access::staff({"nurse", "doctor"});

    r.get("/api/v1/departments", catalogue, bind(&Handlers::listDepartments), "List departments");
    r.post("/api/v1/departments", scheduling, bind(&Handlers::createDepartment), "Create a department");
    r.get("/api/v1/departments/{id}", catalogue, bind(&Handlers::getDepartment), "Get a department");
    r.put("/api/v1/departments/{id}", scheduling, bind(&Handlers::updateDepartment), "Replace a department");

    r.get("/api/v1/doctors", catalogue, bind(&Handlers::listDoctors), "List doctors");
    r.post("/api/v1/doctors", scheduling, bind(&Handlers::createDoctor), "Create a doctor");
    r.get("/api/v1/doctors/{id}", catalogue, bind(&Handlers::getDoctor), "Get a doctor");
    r.put("/api/v1/doctors/{id}", scheduling, bind(&Handlers::updateDoctor), "Replace a doctor");
    r.put("/api/v1/doctors/{id}/photo", scheduling, bind(&Handlers::putDoctorPhoto),
          "Upload a doctor's photo (JPEG, PNG, WebP)");
    r.get("/api/v1/doctors/{id}/photo", catalogue, bind(&Handlers::getDoctorPhoto), "A doctor's uploaded photo");

    r.get("/api/v1/schedules", catalogue, bind(&Handlers::listSchedules), "List schedules with availability");
    r.post("/api/v1/schedules", scheduling, bind(&Handlers::createSchedule), "Create a schedule");
    r.get("/api/v1/schedules/{id}", catalogue, bind(&Handlers::getSchedule), "Get a schedule with its slots");
    r.put("/api/v1/schedules/{id}", scheduling, bind(&Handlers::updateSchedule), "Change a schedule");
    r.del("/api/v1/schedules/{id}", scheduling, bind(&Handlers::deleteSchedule), "Delete an unbooked schedule");
    r.post("/api/v1/schedules/{id}/stop", scheduling, bind(&Handlers::stopSchedule), "Stop a session (停诊)");
    r.post("/api/v1/schedules/{id}/close", closing, bind(&Handlers::closeSchedule), "Close a session (no-shows)");
    r.post("/api/v1/schedules/copy-week", scheduling, bind(&Handlers::copyWeek), "Create a week from a template week");
    r.get("/api/v1/schedules/{id}/appointments", rosterView, bind(&Handlers::listScheduleAppointments),
          "List a session's appointments (masked)");

    r.post("/api/v1/appointments", booking, bind(&Handlers::createAppointment), "Book (idempotent)");
    r.get("/api/v1/appointments", booking, bind(&Handlers::findAppointments), "A patient's appointments (masked)");
    r.post("/api/v1/appointments/search", booking, bind(&Handlers::searchAppointments),
           "A patient's appointments (masked), the document in the body");
    r.get("/api/v1/appointments/{id}", record, bind(&Handlers::getAppointment), "Get an appointment");
    r.post("/api/v1/appointments/{id}/cancel", booking, bind(&Handlers::cancelAppointment), "Cancel an appointment");
    r.post("/api/v1/appointments/{id}/check-in", checkIn, bind(&Handlers::checkInAppointment), "Check in (签到)");

    r.get("/api/v1/rooms/{room}/queue", queueView, bind(&Handlers::getQueue), "A room's queue today");
    r.post("/api/v1/rooms/{room}/queue/call-next", calling, bind(&Handlers::callNext), "Call the next patient");
    r.post("/api/v1/rooms/{room}/queue/recall", calling, bind(&Handlers::recall), "Call the current patient again");
    r.post("/api/v1/rooms/{room}/queue/pass", calling, bind(&Handlers::pass), "Pass the current patient (过号)");

    // The waiting-room screen: public, only the called number, the room and
    // the masked name (docs/booking.md, "Waiting-room screen").
    r.get("/api/v1/display/rooms/{room}", Access::anyone(), bind(&Handlers::roomDisplay),
          "Waiting-room screen: a room's call (public)");
    r.get("/api/v1/display/departments/{id}", Access::anyone(), bind(&Handlers::departmentDisplay),
          "Waiting-room screen: a department's rooms (public)");

    // The HIS's departments, doctors, schedules and stop-clinic notices, from
    // hisbridge's outbox only (docs/his-protocol.md).
    r.post("/api/v1/his/inbox", Access::service({"hisbridge"}), bind(&Handlers::hisInbox),
           "Apply what the HIS sent (hisbridge's outbox)");
}

}  // namespace medbox::booking
