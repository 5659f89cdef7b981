// Booking, cancellation, stop-clinic and their transactions, on a real
// database with a ManualClock.
#include "TestEnv.h"
#include "BookingApp.h"
#include "core/config/Settings.h"
#include "domain/Availability.h"
#include "domain/DemoData.h"
#include "domain/SessionCloser.h"
#include "core/error/AppError.h"
#include "store/AppointmentStore.h"
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <atomic>
#include <thread>

using namespace medbox;
using namespace medbox::booking;
using namespace medbox::booking::testing;

namespace {

template <class F>
void expectErr(Err expected, F&& f) {
    try {
        f();
        ADD_FAILURE() << "expected AppError " << errInfo(expected).code;
    } catch (const AppError& e) {
        EXPECT_EQ(static_cast<int>(e.err()), static_cast<int>(expected)) << e.what();
    }
}

std::string statusOf(db::Database& db, int64_t id) {
    return db.read([&](db::Connection& c) { return store::findAppointment(c, id)->status; });
}

}  // namespace

TEST_F(BookingTest, NotBookableBeforeRelease) {
    at("2026-01-05", "09:00");
    const auto doc = doctor(department().id);
    const auto s = schedule(doc.id, "2026-01-13");  // released 2026-01-06 08:00
    const auto sl = slots(s.id);
    expectErr(Err::NotReleased, [&] { book(sl[0].id, 1, portal); });
    at("2026-01-06", "07:59");
    expectErr(Err::NotReleased, [&] { book(sl[0].id, 1, portal); });
    at("2026-01-06", "08:00");
    EXPECT_EQ(book(sl[0].id, 1, portal).status, 201);
}

TEST_F(BookingTest, StartedSlotIsNotBookable) {
    at("2026-01-08", "08:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08", "morning", 4, "08:00", "10:00", 60);
    const auto sl = slots(s.id);
    expectErr(Err::Conflict, [&] { book(sl[0].id, 1, desk); });
    EXPECT_EQ(book(sl[1].id, 1, desk).status, 201);
}

TEST_F(BookingTest, InactiveDoctorTakesNoBookings) {
    at("2026-01-05", "09:00");
    auto doc = doctor(department().id);
    const auto s = schedule(doc.id, "2026-01-08");
    doc.active = false;
    Catalogue(*env).updateDoctor(staff, doc);
    expectErr(Err::Conflict, [&] { book(slots(s.id)[0].id, 1, portal); });
    const auto a = availability(env->rules, env->time, Schedules(*env).get(s.id), slots(s.id), clock.nowMs());
    EXPECT_FALSE(a.bookable);
    doc.active = true;
    Catalogue(*env).updateDoctor(staff, doc);
    EXPECT_EQ(book(slots(s.id)[0].id, 1, portal).status, 201);
}

TEST_F(BookingTest, NeverOverbooksSequentially) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08", "morning", 4, "08:00", "10:00", 60);
    const auto sl = slots(s.id);
    ASSERT_EQ(sl.size(), 2u);
    EXPECT_EQ(sl[0].capacity, 2);
    book(sl[0].id, 1, portal);
    book(sl[0].id, 2, portal);
    expectErr(Err::SlotFull, [&] { book(sl[0].id, 3, portal); });
    EXPECT_EQ(slots(s.id)[0].booked, 2);
    EXPECT_EQ(countRows(*db, "appointment"), 2);
}

TEST_F(BookingTest, NeverOverbooksUnderRacingThreads) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08", "morning", 6, "08:00", "10:00", 60);
    const auto sl = slots(s.id);
    std::atomic<int> won{0}, full{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 24; ++i) {
        threads.emplace_back([&, i] {
            try {
                BookingRequest r;
                r.slotId = sl[i % 2].id;
                r.patient = patient(100 + i);
                r.idempotencyKey = "race-" + std::to_string(i);
                Appointments(*env).book(portal, r);
                ++won;
            } catch (const AppError& e) {
                (e.err() == Err::SlotFull ? full : other)++;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(won.load(), 6);
    EXPECT_EQ(full.load(), 18);
    EXPECT_EQ(other.load(), 0);
    for (const auto& slot : slots(s.id)) EXPECT_EQ(slot.booked, slot.capacity);
    EXPECT_EQ(countRows(*db, "appointment"), 6);
    EXPECT_EQ(countRows(*db, "outbox", "booking.created"), 6);
}

TEST_F(BookingTest, SchemaRefusesOverbookingItself) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08");
    const auto slot = slots(s.id)[0];
    try {
        db->write(
            [&](db::Tx& tx) { tx.prepare("UPDATE slot SET booked = capacity + 1 WHERE id = ?").args(slot.id).run(); });
        ADD_FAILURE() << "CHECK constraint did not fire";
    } catch (const db::DbError& e) {
        EXPECT_TRUE(e.isConstraint());
    }
}

TEST_F(BookingTest, IdempotentCreate) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08");
    const auto sl = slots(s.id);
    const auto first = book(sl[0].id, 1, portal, "abc-1");
    EXPECT_FALSE(first.replayed);
    const auto again = book(sl[0].id, 1, portal, "abc-1");
    EXPECT_TRUE(again.replayed);
    EXPECT_EQ(again.status, 201);
    EXPECT_EQ(again.appointment.id, first.appointment.id);
    EXPECT_EQ(countRows(*db, "appointment"), 1);
    EXPECT_EQ(countRows(*db, "outbox", "booking.created"), 1);
    EXPECT_EQ(slots(s.id)[0].booked, 1);
    // Same key, different body: refused, nothing written.
    const int audits = countRows(*db, "audit_log");
    expectErr(Err::IdempotencyMismatch, [&] { book(sl[1].id, 1, portal, "abc-1"); });
    expectErr(Err::IdempotencyMismatch, [&] { book(sl[0].id, 2, portal, "abc-1"); });
    EXPECT_EQ(countRows(*db, "audit_log"), audits);
    EXPECT_EQ(countRows(*db, "appointment"), 1);
    // Keys are per caller: the desk's "abc-1" is another request.
    EXPECT_FALSE(book(sl[0].id, 2, desk, "abc-1").replayed);
    // Keys expire after the TTL.
    clock.advanceMs(25LL * 3'600'000);
    expectErr(Err::BookingLimit, [&] { book(sl[0].id, 1, portal, "abc-1"); });  // new request: same session again
}

// book() builds its answer from what it read and wrote instead of reading the
// new row back: it must be exactly what a read gives.
TEST_F(BookingTest, TheAnswerIsTheStoredAppointment) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08", "afternoon", 4, "14:00", "16:00", 60, "B1-07");
    for (const Caller& who : {portal, desk}) {
        const auto r = book(slots(s.id)[who.portal ? 0 : 1].id, who.portal ? 1 : 2, who);
        const Appointment stored = Appointments(*env).get(r.appointment.id);
        EXPECT_EQ(r.appointment, stored);
        EXPECT_EQ(stored.sessionEnd, "16:00");
        EXPECT_EQ(stored.room, "B1-07");
        EXPECT_EQ(stored.channel, who.portal ? "portal" : "desk");
    }
}

// The messages are a contract with hisbridge (docs/booking.md, "Messages").
TEST_F(BookingTest, CreatedAndCancelledMessagesCarryTheContractFields) {
    at("2026-01-05", "09:00");
    const auto dep = department();
    const auto s = schedule(doctor(dep.id, "李\"引号\"").id, "2026-01-08");
    const auto r = book(slots(s.id)[0].id, 3, portal);
    Appointments(*env).cancel(portal, r.appointment.id, "");
    auto payloadOf = [&](const std::string& topic) {
        return db->read([&](db::Connection& c) {
            auto st = c.prepare("SELECT payload FROM outbox WHERE topic = ?");
            st.args(topic);
            EXPECT_TRUE(st.step());
            return Poco::JSON::Parser().parse(st.str(0)).extract<Poco::JSON::Object::Ptr>();
        });
    };
    auto created = payloadOf("booking.created");
    EXPECT_EQ(created->getValue<int64_t>("appointmentId"), r.appointment.id);
    EXPECT_EQ(created->getValue<int64_t>("scheduleId"), s.id);
    EXPECT_EQ(created->getValue<int64_t>("slotId"), r.appointment.slotId);
    EXPECT_EQ(created->getValue<std::string>("date"), "2026-01-08");
    EXPECT_EQ(created->getValue<std::string>("session"), "morning");
    EXPECT_EQ(created->getValue<std::string>("slotStart"), "08:00");
    EXPECT_EQ(created->getValue<std::string>("slotEnd"), "09:00");
    EXPECT_EQ(created->getValue<int64_t>("departmentId"), dep.id);
    EXPECT_EQ(created->getValue<std::string>("departmentCode"), "CARD");
    EXPECT_EQ(created->getValue<std::string>("doctorName"), "李\"引号\"");
    EXPECT_EQ(created->getValue<std::string>("doctorTitle"), "chief");
    EXPECT_EQ(created->getValue<std::string>("room"), "A2-01");
    EXPECT_EQ(created->getValue<std::string>("channel"), "portal");
    EXPECT_EQ(created->getValue<std::string>("createdAt"), env->time.iso(clock.nowMs()));
    auto who = created->getObject("patient");
    EXPECT_EQ(who->getValue<std::string>("documentNumber"), patient(3).documentNumber);
    EXPECT_EQ(who->getValue<std::string>("phone"), patient(3).phone);
    auto cancelled = payloadOf("booking.cancelled");
    EXPECT_EQ(cancelled->getValue<int64_t>("appointmentId"), r.appointment.id);
    EXPECT_EQ(cancelled->getValue<std::string>("reason"), "patient");
    EXPECT_EQ(cancelled->getValue<std::string>("documentNumber"), patient(3).documentNumber);
}

TEST_F(BookingTest, HashIgnoresFieldFormattingButNotContent) {
    BookingRequest a;
    a.slotId = 1;
    a.patient = patient(1);
    BookingRequest b = a;
    EXPECT_EQ(Appointments::requestHash(a), Appointments::requestHash(b));
    b.patient.phone = "13800138001";
    EXPECT_NE(Appointments::requestHash(a), Appointments::requestHash(b));
    b = a;
    b.patient.name = a.patient.name + a.patient.documentType.substr(0, 1);
    b.patient.documentType = a.patient.documentType.substr(1);
    EXPECT_NE(Appointments::requestHash(a), Appointments::requestHash(b));
}

TEST_F(BookingTest, OnePerDoctorSessionAndMaxActive) {
    at("2026-01-05", "09:00");
    const auto dep = department();
    const auto d1 = doctor(dep.id, "王一");
    const auto d2 = doctor(dep.id, "王二");
    const auto s1 = schedule(d1.id, "2026-01-08");
    const auto s2 = schedule(d1.id, "2026-01-08", "afternoon", 4, "14:00", "16:00");
    const auto s3 = schedule(d2.id, "2026-01-08", "morning", 4, "08:00", "10:00", 60, "A2-02");
    const auto s4 = schedule(d2.id, "2026-01-09", "morning", 4, "08:00", "10:00", 60, "A2-02");
    const auto first = book(slots(s1.id)[0].id, 7, portal);
    expectErr(Err::BookingLimit, [&] { book(slots(s1.id)[1].id, 7, portal); });
    book(slots(s2.id)[0].id, 7, portal);
    book(slots(s3.id)[0].id, 7, desk);
    expectErr(Err::BookingLimit, [&] { book(slots(s4.id)[0].id, 7, desk); });
    // Cancelling frees one of the three.
    Appointments(*env).cancel(portal, first.appointment.id, "");
    EXPECT_EQ(book(slots(s4.id)[0].id, 7, portal).status, 201);
    // Passports are counted by their own number.
    BookingRequest r;
    r.slotId = slots(s4.id)[0].id;
    r.patient = patient(7);
    r.patient.documentType = "passport";
    r.patient.documentNumber = "E12345678";
    r.idempotencyKey = "passport-1";
    EXPECT_EQ(Appointments(*env).book(portal, r).status, 201);
}

TEST_F(BookingTest, NoShowsBlockOnlineBookingForABlockPeriod) {
    at("2026-01-05", "09:00");
    const auto doc = doctor(department().id);
    std::vector<Schedule> days;
    for (const char* d : {"2026-01-06", "2026-01-07", "2026-01-08"}) days.push_back(schedule(doc.id, d));
    for (const auto& s : days) book(slots(s.id)[0].id, 9, portal);
    Schedules schedules(*env);
    for (const auto& s : days) {
        at(s.date, "12:00");
        const auto r = schedules.close(desk, s.id);
        EXPECT_EQ(r.noShows, 1);
    }
    // 2026-01-08 12:00: three no-shows within 90 days -> blocked until 2026-02-07 12:00.
    const auto next = schedule(doc.id, "2026-01-10");
    expectErr(Err::NoShowBlocked, [&] { book(slots(next.id)[0].id, 9, portal); });
    // Another patient and the desk are not blocked.
    EXPECT_EQ(book(slots(next.id)[0].id, 10, portal).status, 201);
    EXPECT_EQ(book(slots(next.id)[1].id, 9, desk).status, 201);
    at("2026-02-07", "12:01");
    const auto later = schedule(doc.id, "2026-02-09");
    EXPECT_EQ(book(slots(later.id)[0].id, 9, portal).status, 201);
}

TEST_F(BookingTest, CancelUntilCutoffFreesThePlace) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08", "morning", 2, "08:00", "10:00", 60);
    const auto slot = slots(s.id)[0];
    ASSERT_EQ(slot.capacity, 1);
    const auto a = book(slot.id, 1, portal).appointment;
    const auto b = book(slots(s.id)[1].id, 2, portal).appointment;
    expectErr(Err::SlotFull, [&] { book(slot.id, 3, portal); });
    at("2026-01-08", "06:00");  // exactly the cutoff (120 min before 08:00)
    EXPECT_EQ(Appointments(*env).cancel(portal, a.id, "plans changed").status, "cancelled");
    EXPECT_EQ(slots(s.id)[0].booked, 0);
    EXPECT_EQ(countRows(*db, "outbox", "booking.cancelled"), 1);
    // A retried cancel answers the same and writes nothing.
    const int outbox = countRows(*db, "outbox");
    EXPECT_EQ(Appointments(*env).cancel(portal, a.id, "").status, "cancelled");
    EXPECT_EQ(countRows(*db, "outbox"), outbox);
    at("2026-01-08", "07:00");  // b's slot starts 09:00: cutoff 07:00
    EXPECT_EQ(statusOf(*db, b.id), "booked");
    clock.advanceMs(60'000);
    expectErr(Err::CancelTooLate, [&] { Appointments(*env).cancel(portal, b.id, ""); });
    EXPECT_EQ(statusOf(*db, b.id), "booked");
}

TEST_F(BookingTest, StopClinicCancelsAndNotifiesEachPatientInOneTransaction) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08");
    const auto sl = slots(s.id);
    std::vector<int64_t> ids;
    for (int i = 0; i < 3; ++i) ids.push_back(book(sl[i % 2].id, 20 + i, i ? portal : desk).appointment.id);
    Appointments(*env).cancel(portal, ids[2], "");  // already cancelled: no notice
    int cancelled = 0;
    const auto stopped = Schedules(*env).stop(staff, s.id, "医生外出会诊", &cancelled);
    EXPECT_EQ(stopped.status, "stopped");
    EXPECT_EQ(cancelled, 2);
    EXPECT_EQ(countRows(*db, "outbox", "booking.stop_clinic_notice"), 2);
    EXPECT_EQ(countRows(*db, "outbox", "booking.cancelled"), 3);  // 1 by the patient + 2 by the stop
    for (const auto& row : rowsOf(*db, "SELECT * FROM outbox"))
        if (row.find("booking.stop_clinic_notice") != std::string::npos) {
            EXPECT_NE(row.find("13800138000"), std::string::npos);  // the SMS needs the phone
            EXPECT_NE(row.find("portal"), std::string::npos);
        }
    // The notice's fields (a contract with portal: docs/booking.md, "Messages").
    db->read([&](db::Connection& c) {
        auto st = c.prepare("SELECT payload FROM outbox WHERE topic = 'booking.stop_clinic_notice' ORDER BY id");
        for (int64_t id : {ids[0], ids[1]}) {
            EXPECT_TRUE(st.step());
            auto m = Poco::JSON::Parser().parse(st.str(0)).extract<Poco::JSON::Object::Ptr>();
            EXPECT_EQ(m->getValue<int64_t>("appointmentId"), id);
            EXPECT_EQ(m->getValue<int64_t>("scheduleId"), s.id);
            EXPECT_EQ(m->getValue<std::string>("date"), "2026-01-08");
            EXPECT_EQ(m->getValue<std::string>("reason"), "医生外出会诊");
            EXPECT_EQ(m->getValue<std::string>("doctorName"), "王建国");
            EXPECT_EQ(m->getObject("patient")->getValue<std::string>("name"), "测试患者");
            EXPECT_EQ(m->getObject("patient")->getValue<std::string>("phone"), "13800138000");
        }
        return 0;
    });
    EXPECT_EQ(statusOf(*db, ids[0]), "stopped");
    EXPECT_EQ(statusOf(*db, ids[1]), "stopped");
    EXPECT_EQ(statusOf(*db, ids[2]), "cancelled");
    for (const auto& slot : slots(s.id)) EXPECT_EQ(slot.booked, 0);
    EXPECT_EQ(countRows(*db, "audit_log", "booking.schedule_stop"), 1);
    expectErr(Err::ScheduleStopped, [&] { book(sl[0].id, 30, portal); });
    expectErr(Err::ScheduleStopped, [&] { Schedules(*env).stop(staff, s.id, "again"); });
    // Audit rows hold no personal data.
    for (const auto& row : rowsOf(*db, "SELECT * FROM audit_log")) {
        EXPECT_EQ(row.find(residentId(20)), std::string::npos);
        EXPECT_EQ(row.find("13800138000"), std::string::npos);
        EXPECT_EQ(row.find("测试患者"), std::string::npos);
    }
}

TEST_F(BookingTest, RollbackLeavesNothing) {
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-08");
    const auto slot = slots(s.id)[0];
    const int repl = countRows(*db, "replication_log");
    const int audits = countRows(*db, "audit_log");
    EXPECT_THROW(db->write([&](db::Tx& tx) {
        ASSERT_TRUE(store::takePlace(tx.conn(), slot.id));
        Appointment a;
        a.scheduleId = s.id;
        a.slotId = slot.id;
        a.documentType = "resident_id";
        a.documentNumber = residentId(1);
        a.patientName = "测试";
        a.phone = "13800138000";
        a.channel = "desk";
        a.createdBy = "staff:x";
        store::insertAppointment(tx.conn(), a);
        env->effects.sendIn(tx, "hisbridge", "booking.created", "{}");
        env->effects.auditIn(tx, "staff:x", "booking.create", "appointment:1");
        throw std::runtime_error("fail after the writes");
    }),
                 std::runtime_error);
    EXPECT_EQ(slots(s.id)[0].booked, 0);
    EXPECT_EQ(countRows(*db, "appointment"), 0);
    EXPECT_EQ(countRows(*db, "outbox"), 0);
    EXPECT_EQ(countRows(*db, "audit_log"), audits);
    EXPECT_EQ(countRows(*db, "replication_log"), repl);
    // A refused booking (slot full) also leaves nothing behind.
    book(slot.id, 1, desk);
    book(slot.id, 2, desk);
    const int after = countRows(*db, "replication_log");
    expectErr(Err::SlotFull, [&] { book(slot.id, 3, desk); });
    EXPECT_EQ(countRows(*db, "replication_log"), after);
    EXPECT_EQ(countRows(*db, "appointment"), 2);
}

TEST_F(BookingTest, ScheduleChanges) {
    at("2026-01-05", "09:00");
    const auto doc = doctor(department().id);
    const auto s = schedule(doc.id, "2026-01-08", "morning", 4, "08:00", "10:00", 60);
    expectErr(Err::Conflict, [&] { schedule(doc.id, "2026-01-08"); });
    expectErr(Err::InvalidField, [&] { schedule(doc.id, "2026-01-04"); });
    expectErr(Err::InvalidField, [&] { schedule(doc.id, "2026-01-09", "morning", 4, "10:00", "09:00"); });
    expectErr(Err::InvalidField, [&] { schedule(999, "2026-01-09"); });
    Schedules schedules(*env);
    ScheduleInput in;
    in.doctorId = doc.id;
    in.date = s.date;
    in.session = s.session;
    in.startTime = "08:00";
    in.endTime = "11:00";
    in.slotMinutes = 30;
    in.room = "B1-01";
    in.capacity = 12;
    // Nothing booked yet: times may change, slots are laid out again.
    auto changed = schedules.update(staff, s.id, in);
    EXPECT_EQ(changed.endTime, "11:00");
    EXPECT_EQ(slots(s.id).size(), 6u);
    book(slots(s.id)[0].id, 1, desk);
    book(slots(s.id)[0].id, 2, desk);
    in.endTime = "12:00";
    expectErr(Err::Conflict, [&] { schedules.update(staff, s.id, in); });
    in.endTime = "11:00";
    in.capacity = 6;  // one place per slot, but slot 1 holds two bookings
    expectErr(Err::Conflict, [&] { schedules.update(staff, s.id, in); });
    in.capacity = 7;
    EXPECT_EQ(schedules.update(staff, s.id, in).capacity, 7);
    EXPECT_EQ(slots(s.id)[0].capacity, 2);
    expectErr(Err::Conflict, [&] { schedules.remove(staff, s.id); });
    const auto empty = schedule(doc.id, "2026-01-09");
    schedules.remove(staff, empty.id);
    expectErr(Err::NotFound, [&] { schedules.get(empty.id); });
}

TEST_F(BookingTest, DemoDataLoadsOnceWithAWeekOfSchedules) {
    at("2026-01-05", "07:00");
    EXPECT_TRUE(loadDemoData(*env));
    EXPECT_FALSE(loadDemoData(*env));
    EXPECT_GE(countRows(*db, "department"), 8);
    EXPECT_GE(countRows(*db, "doctor"), 24);
    for (const char* d : {"2026-01-05", "2026-01-08", "2026-01-12"})
        EXPECT_GT(countRows(*db, "schedule", std::string("clinic_date=") + d), 0) << d;
    EXPECT_EQ(countRows(*db, "schedule", "clinic_date=2026-01-13"), 0);
    // Oversubscribed? never: every slot starts empty.
    EXPECT_EQ(countRows(*db, "slot", "booked=0"), countRows(*db, "slot"));
}

TEST(BookingConfigTest, ReadsEveryKeyWithDefaultsAndRanges) {
    Settings empty;
    const BookingConfig r = readBookingConfig(empty);
    EXPECT_EQ(r.releaseDaysAhead, 7);
    EXPECT_EQ(r.releaseMinute, 480);
    EXPECT_EQ(r.maxActivePerPatient, 3);
    EXPECT_EQ(r.cancelCutoffMinutes, 120);
    EXPECT_EQ(r.utcOffsetMinutes, 480);
    EXPECT_FALSE(r.demoData);
    Settings bad;
    bad.set("booking.release_time", "8:00");
    EXPECT_THROW(readBookingConfig(bad), ConfigError);
    Settings hours;
    hours.set("booking.morning_hours", "12:00-08:00");
    EXPECT_THROW(readBookingConfig(hours), ConfigError);
    Settings range;
    range.set("booking.max_active_per_patient", "0");
    EXPECT_THROW(readBookingConfig(range), ConfigError);
    Settings ok;
    ok.set("booking.release_time", "07:30");
    ok.set("booking.demo_data", "true");
    EXPECT_EQ(readBookingConfig(ok).releaseMinute, 450);
    EXPECT_TRUE(readBookingConfig(ok).demoData);
}

// Migration 0002 copies the appointment table to write its CHECKs as
// comparisons: the rows, the constraints and the indexes must come through,
// and an insert must no longer build temporary b-trees.
TEST(BookingMigrationsTest, AppointmentChecksAsComparisonsKeepRowsAndConstraints) {
    char tmpl[] = "/tmp/booking-migration-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    db::Options o;
    o.path = dir + "/booking.db";
    o.synchronous = "NORMAL";
    const auto all = db::migrationsFrom(booking::embeddedFiles());
    ASSERT_GE(all.size(), 2u);
    ASSERT_EQ(all[1].number, 2);
    const std::string insert =
        "INSERT INTO appointment (schedule_id, slot_id, document_type, document_number, patient_name, phone, "
        "channel, status, created_by, created_at) VALUES ";
    {
        db::Database before(o, {all[0]});
        before.write([&](db::Tx& tx) {
            tx.exec(
                "INSERT INTO department (id, code, name, created_at, updated_at) VALUES (1, 'CARD', '心内科', 0, 0);"
                "INSERT INTO doctor (id, department_id, name, title, created_at, updated_at) "
                "VALUES (1, 1, '王', 'chief', 0, 0);"
                "INSERT INTO schedule (id, doctor_id, clinic_date, session_code, start_time, end_time, "
                "slot_minutes, room, capacity, created_at, updated_at) "
                "VALUES (1, 1, '2026-01-08', 'morning', '08:00', '10:00', 60, 'A1', 4, 0, 0);"
                "INSERT INTO slot (id, schedule_id, seq, start_time, end_time, capacity, booked) "
                "VALUES (1, 1, 1, '08:00', '09:00', 4, 2);" +
                insert +
                "(1, 1, 'resident_id', 'A', '甲', '138', 'portal', 'booked', 'x', 5), "
                "(1, 1, 'passport', 'B', '乙', '139', 'desk', 'no_show', 'y', 6)");
        });
    }
    db::Database after(o, all);
    EXPECT_EQ(after.schemaVersion(), static_cast<int>(all.back().number));
    EXPECT_EQ(rowsOf(after, "SELECT id, document_number, status, channel FROM appointment ORDER BY id"),
              (std::vector<std::string>{"id=1|document_number=A|status=booked|channel=portal|",
                                        "id=2|document_number=B|status=no_show|channel=desk|"}));
    EXPECT_EQ(rowsOf(after,
                     "SELECT name FROM sqlite_schema WHERE tbl_name = 'appointment' AND type = 'index' "
                     "ORDER BY name"),
              (std::vector<std::string>{"name=appointment_by_patient|", "name=appointment_by_schedule|",
                                        "name=appointment_by_slot|", "name=appointment_one_per_session|"}));
    auto fails = [&](const std::string& values) {
        try {
            after.write([&](db::Tx& tx) { tx.exec(insert + values); });
            return false;
        } catch (const db::DbError&) {
            return true;
        }
    };
    EXPECT_TRUE(fails("(1, 1, 'resident_id', 'C', '丙', '1', 'portal', 'lost', 'x', 7)"));     // status
    EXPECT_TRUE(fails("(1, 1, 'licence', 'C', '丙', '1', 'portal', 'booked', 'x', 7)"));       // document type
    EXPECT_TRUE(fails("(1, 1, 'resident_id', 'C', '丙', '1', 'phone', 'booked', 'x', 7)"));    // channel
    EXPECT_TRUE(fails("(1, 1, 'resident_id', 'A', '甲', '1', 'portal', 'called', 'x', 7)"));   // one per session
    EXPECT_TRUE(fails("(1, 99, 'resident_id', 'C', '丙', '1', 'portal', 'booked', 'x', 7)"));  // foreign key
    EXPECT_FALSE(fails("(1, 1, 'resident_id', 'A', '甲', '1', 'portal', 'cancelled', 'x', 7)"));
    // A slot with appointments cannot go: the foreign key holds from the slot's side too.
    EXPECT_THROW(after.write([&](db::Tx& tx) { tx.exec("DELETE FROM slot WHERE id = 1"); }), db::DbError);
    const auto plan = rowsOf(after, "EXPLAIN " + insert + "(1, 1, 'other', 'D', '丁', '1', 'desk', 'booked', 'x', 8)");
    EXPECT_EQ(std::count_if(plan.begin(), plan.end(),
                            [](const std::string& r) { return r.find("opcode=OpenEphemeral|") != std::string::npos; }),
              0);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

// The auto-close job (booking.auto_close_after_minutes) on the core's
// PeriodicJob, driven by the ManualClock: nothing closes before the session
// is that long over; then booked becomes no_show and the schedule closed.
TEST_F(BookingTest, AutoCloseClosesEndedSessionsWhenDueByTheClock) {
    BookingRules rules;
    rules.autoCloseAfterMinutes = 30;
    open(rules);
    at("2026-01-05", "09:00");
    const auto s = schedule(doctor(department().id).id, "2026-01-06", "morning", 2, "08:00", "10:00", 60);
    book(slots(s.id)[0].id, 1, portal);
    SessionCloser closer(*env, Poco::Logger::get("booking.sessions"));
    at("2026-01-06", "10:29");
    EXPECT_TRUE(closer.runDue());
    EXPECT_EQ(countRows(*db, "schedule", "status=closed"), 0);
    clock.advanceMs(SessionCloser::kPeriodMs - 1);
    EXPECT_FALSE(closer.runDue()) << "checked again before a minute passed";
    at("2026-01-06", "10:31");
    EXPECT_TRUE(closer.runDue());
    EXPECT_EQ(countRows(*db, "schedule", "status=closed"), 1);
    EXPECT_EQ(countRows(*db, "appointment", "status=no_show"), 1);
}
