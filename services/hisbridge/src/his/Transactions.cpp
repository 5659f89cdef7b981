#include "his/Transactions.h"
#include "core/error/AppError.h"
#include "core/http/JsonBody.h"
#include <Poco/JSON/Array.h>

namespace medbox::hisbridge::his {

namespace {

const std::vector<std::string> kTitles = {"chief", "associate_chief", "attending", "resident"};
const std::vector<std::string> kSessions = {"morning", "afternoon", "evening"};

// Each element of data.<name> as a JsonBody prefixed "data.<name>[i]"; at least one, at most max.
template <typename F>
void eachItem(const JsonBody& data, const std::string& name, size_t max, F&& check) {
    const auto arr = data.array(name, max);
    if (arr->size() == 0) throw AppError(Err::InvalidField, data.path(name) + " must not be empty", data.path(name));
    for (size_t i = 0; i < arr->size(); ++i) {
        const std::string path = data.path(name) + "[" + std::to_string(i) + "]";
        const auto obj = arr->getObject(static_cast<unsigned>(i));
        if (!obj) throw AppError(Err::InvalidField, path + " must be an object", path);
        check(JsonBody(obj, path));
    }
}

void hospital(const JsonBody& d) {
    d.allowOnly({"hospitalCode", "name", "level", "address", "phone", "introduction"});
    d.str("hospitalCode", 32);
    d.str("name", 100);
    d.optStr("level", 20);
    d.optStr("address", 200);
    d.optStr("phone", 32);
    d.optStr("introduction", 4000);
}

void departments(const JsonBody& d) {
    d.allowOnly({"departments"});
    eachItem(d, "departments", 500, [](const JsonBody& x) {
        x.allowOnly({"code", "name", "nameEn", "location", "description", "sortOrder", "active"});
        x.str("code", 32);
        x.str("name", 100);
        x.optStr("nameEn", 100);
        x.optStr("location", 200);
        x.optStr("description", 2000);
        x.optInteger("sortOrder", -100000, 100000);
        x.optBoolean("active");
    });
}

void doctors(const JsonBody& d) {
    d.allowOnly({"doctors"});
    eachItem(d, "doctors", 2000, [](const JsonBody& x) {
        x.allowOnly({"code", "departmentCode", "name", "title", "specialty", "introduction", "active"});
        x.str("code", 32);
        x.str("departmentCode", 32);
        x.str("name", 100);
        x.oneOf("title", kTitles);
        x.optStr("specialty", 200);
        x.optStr("introduction", 2000);
        x.optBoolean("active");
    });
}

void schedules(const JsonBody& d) {
    d.allowOnly({"schedules"});
    eachItem(d, "schedules", 5000, [](const JsonBody& x) {
        x.allowOnly({"scheduleCode", "doctorCode", "date", "session", "start", "end", "slotMinutes", "capacity", "room",
                     "feeCents"});
        x.str("scheduleCode", 64);
        x.str("doctorCode", 32);
        x.date("date");
        x.oneOf("session", kSessions);
        const std::string start = x.timeOfDay("start"), end = x.timeOfDay("end");
        if (end <= start) throw AppError(Err::InvalidField, x.path("end") + " must be after start", x.path("end"));
        x.integer("slotMinutes", 1, 240);
        x.integer("capacity", 1, 1000);
        x.str("room", 32);
        x.integer("feeCents", 0, 10'000'000);
    });
}

void stopClinic(const JsonBody& d) {
    d.allowOnly({"scheduleCode", "doctorCode", "date", "session", "reason"});
    d.str("scheduleCode", 64);
    d.str("doctorCode", 32);
    d.date("date");
    d.oneOf("session", kSessions);
    d.str("reason", 200);
}

void visitStatus(const JsonBody& d) {
    d.allowOnly({"appointmentId", "hisOrderId", "status", "at"});
    d.integer("appointmentId", 1, INT64_MAX);
    d.optStr("hisOrderId", 64);
    d.oneOf("status", {"visited", "no_show", "refunded"});
    d.optStr("at", 40);
}

void complaint(const JsonBody& d) {
    d.allowOnly({"complaintId", "patientName", "phone", "departmentCode", "content", "receivedAt"});
    d.str("complaintId", 64);
    d.optStr("patientName", 100);
    d.optStr("phone", 32);
    d.optStr("departmentCode", 32);
    d.str("content", 4000);
    d.optStr("receivedAt", 40);
}

void patient(const JsonBody& d) {
    d.allowOnly({"patientId", "cardNumber", "idNumber", "passport", "name", "sex", "birthDate", "phone"});
    d.str("patientId", 64);
    d.optStr("cardNumber", 64);
    d.optStr("idNumber", 18);
    d.optStr("passport", 32);
    d.str("name", 100);
    if (d.has("sex")) d.oneOf("sex", {"M", "F", "O", "U"});
    if (d.has("birthDate")) d.date("birthDate");
    d.optStr("phone", 32);
}

}  // namespace

void checkData(const Request& r) {
    if (!txnFromHis(r.txn))
        throw HisError(code::kUnknown, "txn " + r.txn + " is one medbox sends; the HIS does not send it to medbox");
    const JsonBody d(r.data, "data");
    try {
        if (r.txn == "T101") hospital(d);
        if (r.txn == "T102") departments(d);
        if (r.txn == "T103") doctors(d);
        if (r.txn == "T104") schedules(d);
        if (r.txn == "T105") stopClinic(d);
        if (r.txn == "T106") visitStatus(d);
        if (r.txn == "T107") complaint(d);
        if (r.txn == "T108") patient(d);
    } catch (const AppError& e) {
        throw HisError(code::kInvalid, e.what(), e.field());
    }
}

std::string bookingTopic(const std::string& txn) {
    if (txn == "T102") return "his.departments";
    if (txn == "T103") return "his.doctors";
    if (txn == "T104") return "his.schedules";
    if (txn == "T105") return "his.stop_clinic";
    if (txn == "T106") return "his.visit_status";
    return {};
}

}  // namespace medbox::hisbridge::his
