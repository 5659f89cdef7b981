#pragma once
// Shared set-up of the booking unit tests: a real db::Database (all booking
// migrations) in a fresh temporary folder, a ManualClock, an AuditLog without
// anchor, and helpers to build a department, a doctor and a schedule.
#include "domain/Appointments.h"
#include "domain/BookingEnv.h"
#include "domain/Catalogue.h"
#include "domain/Queue.h"
#include "domain/Schedules.h"
#include "core/db/Database.h"
#include "booking/EmbeddedFiles.h"
#include "store/ScheduleStore.h"
#include "core/time/Clock.h"
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace medbox::booking::testing {

// An 18-digit resident ID with a correct GB 11643 check character; `serial`
// (0-999) varies the sequence code so tests get distinct patients.
inline std::string residentId(int serial, const std::string& region = "110105", const std::string& birth = "19900307") {
    char seq[12];
    std::snprintf(seq, sizeof seq, "%03d", serial % 1000);
    std::string body = region + birth + seq;
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * w[i];
    return body + "10X98765432"[sum % 11];
}

inline PatientIdentity patient(int serial) {
    PatientIdentity p;
    p.name = "测试患者";
    p.documentType = "resident_id";
    p.documentNumber = residentId(serial);
    p.phone = "13800138000";
    return p;
}

// Rows of a query as "col=value" strings joined by '|' (column names and
// types of core tables are not part of our contract, so tests match text).
inline std::vector<std::string> rowsOf(db::Database& db, const std::string& sql) {
    std::vector<std::string> out;
    db.read([&](db::Connection& c) {
        sqlite3_exec(
            c.handle(), sql.c_str(),
            [](void* arg, int n, char** values, char** names) {
                std::string row;
                for (int i = 0; i < n; ++i) row += std::string(names[i]) + "=" + (values[i] ? values[i] : "NULL") + "|";
                static_cast<std::vector<std::string>*>(arg)->push_back(row);
                return 0;
            },
            &out, nullptr);
        return 0;
    });
    return out;
}

inline int countRows(db::Database& db, const std::string& table, const std::string& containing = {}) {
    int n = 0;
    for (const auto& row : rowsOf(db, "SELECT * FROM " + table))
        if (containing.empty() || row.find(containing) != std::string::npos) ++n;
    return n;
}

class BookingTest : public ::testing::Test {
protected:
    void SetUp() override { open(BookingRules{}); }

    void open(BookingRules rules) {
        TearDown();  // a test may reopen with other rules
        char tmpl[] = "/tmp/booking-test-XXXXXX";
        dir = mkdtemp(tmpl);
        db::Options o;
        o.path = dir + "/booking.db";
        o.readers = 2;
        o.synchronous = "NORMAL";
        db = std::make_unique<db::Database>(o, db::migrationsFrom(booking::embeddedFiles()));
        audit = std::make_unique<AuditLog>(clock, "");
        env = std::make_unique<BookingEnv>(*db, clock, *audit, rules);
    }

    void TearDown() override {
        env.reset();
        db.reset();
        if (dir.empty()) return;
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        dir.clear();
    }

    // Sets the clock to a local date and time ("2026-01-05", "08:30").
    void at(const std::string& date, const std::string& time) {
        clock.setMs(env->time.toMs(*parseDate(date), *parseTimeOfDay(time)));
    }

    Department department(const std::string& code = "CARD") {
        Department d;
        d.code = code;
        d.name = "心血管内科";
        return Catalogue(*env).createDepartment(staff, d);
    }

    Doctor doctor(int64_t departmentId, const std::string& name = "王建国") {
        Doctor d;
        d.departmentId = departmentId;
        d.name = name;
        d.title = "chief";
        return Catalogue(*env).createDoctor(staff, d);
    }

    Schedule schedule(int64_t doctorId, const std::string& date, const std::string& session = "morning",
                      int capacity = 4, const std::string& start = "08:00", const std::string& end = "10:00",
                      int slotMinutes = 60, const std::string& room = "A2-01") {
        ScheduleInput in;
        in.doctorId = doctorId;
        in.date = date;
        in.session = session;
        in.startTime = start;
        in.endTime = end;
        in.slotMinutes = slotMinutes;
        in.room = room;
        in.capacity = capacity;
        return Schedules(*env).create(staff, in);
    }

    std::vector<Slot> slots(int64_t scheduleId) {
        return db->read([&](db::Connection& c) { return store::slotsOf(c, scheduleId); });
    }

    BookingResult book(int64_t slotId, int serial, const Caller& who, const std::string& key = {}) {
        BookingRequest r;
        r.slotId = slotId;
        r.patient = patient(serial);
        r.idempotencyKey = key.empty() ? "key-" + std::to_string(slotId) + "-" + std::to_string(serial) + "-" +
                                             std::to_string(++keySeq_)
                                       : key;
        return Appointments(*env).book(who, r);
    }

    std::string dir;
    ManualClock clock;
    std::unique_ptr<db::Database> db;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<BookingEnv> env;
    const Caller staff{"staff:scheduler1", false};
    const Caller desk{"staff:registrar1", false};
    const Caller portal{"service:portal", true};
    const Caller nurse{"staff:nurse1", false};

private:
    int keySeq_ = 0;
};

}  // namespace medbox::booking::testing
