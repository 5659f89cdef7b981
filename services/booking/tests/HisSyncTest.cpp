// What the HIS sends about the catalogue and schedules (T102-T105, forwarded
// by hisbridge): applied as upserts by the HIS's codes, the same message twice
// leaves the same state, items booking cannot take are skipped with a reason.
#include "TestEnv.h"
#include "core/error/AppError.h"
#include "domain/HisSync.h"
#include <Poco/JSON/Parser.h>

using namespace medbox;
using namespace medbox::booking;
using namespace medbox::booking::testing;

namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

const std::string kDepartments =
    R"({"departments":[{"code":"NK","name":"内科","nameEn":"Internal medicine"},{"code":"WK","name":"外科"}]})";
const std::string kDoctors =
    R"({"doctors":[{"code":"D001","departmentCode":"NK","name":"张伟","title":"chief","specialty":"心血管"},)"
    R"({"code":"D002","departmentCode":"WK","name":"李强","title":"attending"}]})";

std::string schedules(const std::string& capacity = "16") {
    return R"({"schedules":[{"scheduleCode":"S1","doctorCode":"D001","date":"2026-01-08","session":"morning",)"
           R"("start":"08:00","end":"12:00","slotMinutes":30,"capacity":)" +
           capacity +
           R"(,"room":"NK-101","feeCents":5000},)"
           R"({"scheduleCode":"S2","doctorCode":"D002","date":"2026-01-08","session":"afternoon",)"
           R"("start":"14:00","end":"17:00","slotMinutes":30,"capacity":12,"room":"WK-102","feeCents":1500}]})";
}

class HisSyncTest : public BookingTest {
protected:
    const Caller bridge{"service:hisbridge", false};
    HisSyncResult apply(const std::string& topic, const std::string& data) {
        return HisSync(*env).apply(bridge, topic, json(data));
    }
    void loadCatalogue() {
        at("2026-01-05", "09:00");
        ASSERT_EQ(apply("his.departments", kDepartments).applied, 2);
        ASSERT_EQ(apply("his.doctors", kDoctors).applied, 2);
    }
};

}  // namespace

TEST_F(HisSyncTest, DepartmentsDoctorsAndSchedulesArriveAsTheHisSentThem) {
    loadCatalogue();
    const auto r = apply("his.schedules", schedules());
    EXPECT_EQ(r.applied, 2);
    EXPECT_TRUE(r.skipped.empty());
    const auto rows = rowsOf(*db,
                             "SELECT d.name AS doctor, s.clinic_date, s.session_code, s.capacity, s.room, s.fee_cents "
                             "FROM schedule s JOIN doctor d ON d.id = s.doctor_id ORDER BY s.id");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0],
              "doctor=张伟|clinic_date=2026-01-08|session_code=morning|capacity=16|room=NK-101|fee_cents=5000|");
    EXPECT_EQ(countRows(*db, "slot"), 8 + 6);
    EXPECT_EQ(rowsOf(*db, "SELECT name_en FROM department WHERE code = 'NK'")[0], "name_en=Internal medicine|");
    EXPECT_EQ(countRows(*db, "his_doctor"), 2);
    EXPECT_GE(countRows(*db, "audit_log", "service:hisbridge"), 6);
}

TEST_F(HisSyncTest, TheSameMessageTwiceLeavesTheSameState) {
    loadCatalogue();
    apply("his.schedules", schedules());
    const auto before = rowsOf(*db, "SELECT * FROM schedule ORDER BY id");
    EXPECT_EQ(apply("his.departments", kDepartments).unchanged, 2);
    EXPECT_EQ(apply("his.doctors", kDoctors).unchanged, 2);
    const auto again = apply("his.schedules", schedules());
    EXPECT_EQ(again.unchanged, 2);
    EXPECT_EQ(again.applied, 0);
    EXPECT_EQ(rowsOf(*db, "SELECT * FROM schedule ORDER BY id"), before);
    EXPECT_EQ(countRows(*db, "doctor"), 2);
    EXPECT_EQ(countRows(*db, "department"), 2);
}

TEST_F(HisSyncTest, ChangesAreAppliedToWhatExists) {
    loadCatalogue();
    apply("his.schedules", schedules());
    EXPECT_EQ(apply("his.departments", R"({"departments":[{"code":"NK","name":"内科门诊","active":false}]})").applied,
              1);
    EXPECT_EQ(rowsOf(*db, "SELECT name, active FROM department WHERE code = 'NK'")[0], "name=内科门诊|active=0|");
    const auto r = apply("his.schedules", schedules("20"));
    EXPECT_EQ(r.applied, 1);
    EXPECT_EQ(r.unchanged, 1);
    EXPECT_EQ(rowsOf(*db, "SELECT capacity FROM schedule WHERE room = 'NK-101'")[0], "capacity=20|");
    EXPECT_EQ(countRows(*db, "schedule"), 2);
}

TEST_F(HisSyncTest, ItemsBookingCannotTakeAreSkippedWithTheirReasonAndTheRestApplied) {
    loadCatalogue();
    const auto r =
        apply("his.schedules",
              R"({"schedules":[{"scheduleCode":"X","doctorCode":"D999","date":"2026-01-08","session":"morning",)"
              R"("start":"08:00","end":"12:00","slotMinutes":30,"capacity":4,"room":"R","feeCents":0},)"
              R"({"scheduleCode":"P","doctorCode":"D001","date":"2026-01-01","session":"morning",)"
              R"("start":"08:00","end":"12:00","slotMinutes":30,"capacity":4,"room":"R","feeCents":0},)"
              R"({"scheduleCode":"OK","doctorCode":"D002","date":"2026-01-09","session":"morning",)"
              R"("start":"08:00","end":"12:00","slotMinutes":30,"capacity":4,"room":"R","feeCents":0}]})");
    EXPECT_EQ(r.applied, 1);
    ASSERT_EQ(r.skipped.size(), 2u);
    EXPECT_EQ(r.skipped[0].index, 0);
    EXPECT_NE(r.skipped[0].reason.find("D999"), std::string::npos) << r.skipped[0].reason;
    EXPECT_EQ(r.skipped[1].index, 1);
    EXPECT_NE(r.skipped[1].reason.find("past"), std::string::npos) << r.skipped[1].reason;
    // A doctor of an unknown department is skipped too.
    const auto d = apply("his.doctors",
                         R"({"doctors":[{"code":"D9","departmentCode":"ZZ","name":"x","title":"chief"}]})");
    ASSERT_EQ(d.skipped.size(), 1u);
    EXPECT_NE(d.skipped[0].reason.find("ZZ"), std::string::npos);
    EXPECT_THROW(apply("his.unknown", "{}"), AppError);
}

TEST_F(HisSyncTest, StopClinicCancelsTheBookingsOnceEvenWhenDeliveredTwice) {
    loadCatalogue();
    apply("his.schedules", schedules());
    const int64_t scheduleId = std::stoll(rowsOf(*db, "SELECT id FROM schedule WHERE room = 'NK-101'")[0].substr(3));
    const auto sl = slots(scheduleId);
    book(sl[0].id, 1, portal);
    book(sl[1].id, 2, desk);
    const std::string stop =
        R"({"scheduleCode":"S1","doctorCode":"D001","date":"2026-01-08","session":"morning","reason":"专家外出会诊"})";
    EXPECT_EQ(apply("his.stop_clinic", stop).applied, 1);
    EXPECT_EQ(countRows(*db, "appointment", "status=stopped"), 2);
    EXPECT_EQ(countRows(*db, "outbox", "booking.stop_clinic_notice"), 2);
    const auto again = apply("his.stop_clinic", stop);
    EXPECT_EQ(again.unchanged, 1);
    EXPECT_EQ(countRows(*db, "outbox", "booking.stop_clinic_notice"), 2);
}

TEST_F(HisSyncTest, ABookingTheHisRefusedIsReversedOnceWithoutACancellationSentBack) {
    loadCatalogue();
    apply("his.schedules", schedules());
    const int64_t scheduleId = std::stoll(rowsOf(*db, "SELECT id FROM schedule WHERE room = 'NK-101'")[0].substr(3));
    const auto sl = slots(scheduleId);
    const int64_t id = book(sl[0].id, 1, portal).appointment.id;
    const int before = countRows(*db, "outbox", "booking.cancelled");
    const std::string refused = R"({"appointmentId":)" + std::to_string(id) +
                                R"(,"code":"2001","reason":"号源已被占用"})";
    EXPECT_EQ(apply("his.booking_refused", refused).applied, 1);
    EXPECT_EQ(rowsOf(*db, "SELECT status, cancel_reason FROM appointment WHERE id = " + std::to_string(id))[0],
              "status=cancelled|cancel_reason=his_refused: 2001 号源已被占用|");
    EXPECT_EQ(countRows(*db, "outbox", "booking.cancelled"), before);
    EXPECT_EQ(rowsOf(*db, "SELECT booked FROM slot WHERE id = " + std::to_string(sl[0].id))[0], "booked=0|");
    EXPECT_EQ(apply("his.booking_refused", refused).unchanged, 1);
    EXPECT_EQ(apply("his.booking_refused", R"({"appointmentId":999999,"code":"2001","reason":"x"})").skipped.size(),
              1u);
}

TEST_F(HisSyncTest, TheHisVisitStatusFinishesOrCancelsTheAppointmentOnce) {
    loadCatalogue();
    apply("his.schedules", schedules());
    const int64_t scheduleId = std::stoll(rowsOf(*db, "SELECT id FROM schedule WHERE room = 'NK-101'")[0].substr(3));
    const auto sl = slots(scheduleId);
    const int64_t visited = book(sl[0].id, 1, portal).appointment.id;
    const int64_t absent = book(sl[0].id, 2, portal).appointment.id;
    const int64_t refunded = book(sl[1].id, 3, desk).appointment.id;
    auto status = [&](int64_t id) {
        return rowsOf(*db, "SELECT status FROM appointment WHERE id = " + std::to_string(id))[0];
    };
    auto visit = [&](int64_t id, const std::string& s) {
        return apply("his.visit_status", R"({"appointmentId":)" + std::to_string(id) + R"(,"status":")" + s + "\"}");
    };
    EXPECT_EQ(visit(visited, "visited").applied, 1);
    EXPECT_EQ(status(visited), "status=completed|");
    EXPECT_EQ(visit(absent, "no_show").applied, 1);
    EXPECT_EQ(status(absent), "status=no_show|");
    EXPECT_EQ(visit(refunded, "refunded").applied, 1);
    EXPECT_EQ(status(refunded), "status=cancelled|");
    EXPECT_EQ(rowsOf(*db, "SELECT booked FROM slot WHERE id = " + std::to_string(sl[1].id))[0], "booked=0|");
    // Again: unchanged. A status that cannot follow: skipped with the reason.
    EXPECT_EQ(visit(visited, "visited").unchanged, 1);
    const auto late = visit(refunded, "no_show");
    ASSERT_EQ(late.skipped.size(), 1u);
    EXPECT_NE(late.skipped[0].reason.find("cancelled"), std::string::npos) << late.skipped[0].reason;
}
