// A week from a template (排班模板): the scheduling office copies the
// sessions of one week (doctor, session, hours, room, fee, capacity) onto
// another. Sessions that already exist in the target week, or that the rules
// refuse (past, beyond the horizon, inactive doctor), are skipped and listed
// with the reason rather than failing the whole copy: a scheduler fills a
// half-planned week the same way as an empty one. Each created session is
// its own transaction with its own audit row (booking.schedule_create).
#include "domain/LocalTime.h"
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "core/error/AppError.h"
#include "core/http/JsonText.h"
#include "store/ScheduleStore.h"

namespace medbox::booking {

namespace {

int64_t monday(const JsonBody& b, const std::string& field) {
    const int64_t day = *parseDate(b.date(field));
    // 1970-01-01 was a Thursday: day 4 is a Monday.
    if (((day - 4) % 7 + 7) % 7 != 0) throw AppError(Err::InvalidField, field + " must be a Monday", b.path(field));
    return day;
}

}  // namespace

void Handlers::copyWeek(Request& rq, Reply& rp) {
    const Caller who = input::caller(rq);
    const JsonBody b = rq.json();
    b.allowOnly({"fromWeek", "toWeek", "departmentId", "doctorId"});
    const int64_t from = monday(b, "fromWeek");
    const int64_t to = monday(b, "toWeek");
    if (from == to) throw AppError(Err::InvalidField, "toWeek must differ from fromWeek", b.path("toWeek"));
    store::ScheduleFilter f;
    f.fromDate = formatDate(from);
    f.toDate = formatDate(from + 6);
    if (b.has("departmentId")) {
        f.departmentId = b.integer("departmentId", 1, INT64_MAX);
        catalogue_.requireDepartment(*f.departmentId, "departmentId");
    }
    if (b.has("doctorId")) {
        f.doctorId = b.integer("doctorId", 1, INT64_MAX);
        catalogue_.requireDoctor(*f.doctorId, "doctorId");
    }
    const auto source = env_.db.read([&](db::Connection& c) { return store::listSchedules(c, f); });

    std::string created = "[";
    std::string skipped = "[";
    for (const Schedule& s : source) {
        ScheduleInput in;
        in.doctorId = s.doctorId;
        in.date = formatDate(*parseDate(s.date) + (to - from));
        in.session = s.session;
        in.startTime = s.startTime;
        in.endTime = s.endTime;
        in.slotMinutes = s.slotMinutes;
        in.room = s.room;
        in.capacity = s.capacity;
        in.feeCents = s.feeCents;
        try {
            const Schedule n = schedules_.create(who, in);
            if (created.size() > 1) created += ',';
            created += json::ObjectWriter()
                           .number("id", n.id)
                           .number("doctorId", n.doctorId)
                           .string("date", n.date)
                           .string("session", n.session)
                           .done();
        } catch (const AppError& e) {
            if (skipped.size() > 1) skipped += ',';
            skipped += json::ObjectWriter()
                           .number("fromScheduleId", s.id)
                           .number("doctorId", s.doctorId)
                           .string("date", in.date)
                           .string("session", s.session)
                           .string("reason", e.what())
                           .done();
        }
    }
    rp.rawJson(json::ObjectWriter().raw("created", created + "]").raw("skipped", skipped + "]").done());
}

}  // namespace medbox::booking
