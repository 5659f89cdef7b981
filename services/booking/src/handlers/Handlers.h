#pragma once
// The booking API's handlers: parse and validate input, call the domain,
// render JSON. One object for the whole service, built by Routes.cpp and
// shared by all worker threads (it holds no per-request state). Methods are
// implemented in one file per resource (DepartmentHandlers.cpp, ...).
#include "domain/Appointments.h"
#include "domain/BookingEnv.h"
#include "domain/Catalogue.h"
#include "domain/DisplayBoard.h"
#include "domain/DoctorPhotos.h"
#include "domain/Queue.h"
#include "domain/Schedules.h"
#include "core/http/Request.h"

namespace medbox::booking {

class Handlers {
public:
    explicit Handlers(BookingEnv& env)
        : env_(env), catalogue_(env), schedules_(env), appointments_(env), queue_(env), display_(env), photos_(env) {}

    // departments
    void listDepartments(Request& rq, Reply& rp);
    void getDepartment(Request& rq, Reply& rp);
    void createDepartment(Request& rq, Reply& rp);
    void updateDepartment(Request& rq, Reply& rp);
    // doctors
    void listDoctors(Request& rq, Reply& rp);
    void getDoctor(Request& rq, Reply& rp);
    void createDoctor(Request& rq, Reply& rp);
    void updateDoctor(Request& rq, Reply& rp);
    void putDoctorPhoto(Request& rq, Reply& rp);  // PhotoHandlers.cpp
    void getDoctorPhoto(Request& rq, Reply& rp);
    // schedules
    void listSchedules(Request& rq, Reply& rp);
    void getSchedule(Request& rq, Reply& rp);
    void createSchedule(Request& rq, Reply& rp);
    void updateSchedule(Request& rq, Reply& rp);
    void deleteSchedule(Request& rq, Reply& rp);
    void stopSchedule(Request& rq, Reply& rp);
    void closeSchedule(Request& rq, Reply& rp);
    void listScheduleAppointments(Request& rq, Reply& rp);
    // a week from a template: copies a week's sessions (WeekTemplateHandlers.cpp)
    void copyWeek(Request& rq, Reply& rp);
    // appointments
    void createAppointment(Request& rq, Reply& rp);
    void findAppointments(Request& rq, Reply& rp);
    void searchAppointments(Request& rq, Reply& rp);
    void getAppointment(Request& rq, Reply& rp);
    void cancelAppointment(Request& rq, Reply& rp);
    void checkInAppointment(Request& rq, Reply& rp);
    // room queues
    void getQueue(Request& rq, Reply& rp);
    void callNext(Request& rq, Reply& rp);
    void recall(Request& rq, Reply& rp);
    void pass(Request& rq, Reply& rp);
    // the waiting-room screen, public (DisplayHandlers.cpp)
    void roomDisplay(Request& rq, Reply& rp);
    void departmentDisplay(Request& rq, Reply& rp);
    // what the HIS sends, from hisbridge's outbox (HisHandlers.cpp)
    void hisInbox(Request& rq, Reply& rp);

private:
    BookingEnv& env_;
    Catalogue catalogue_;
    Schedules schedules_;
    Appointments appointments_;
    Queue queue_;
    DisplayBoard display_;
    DoctorPhotos photos_;
};

}  // namespace medbox::booking
