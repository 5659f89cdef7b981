#include "domain/Catalogue.h"
#include "core/error/AppError.h"
#include "core/error/OrNotFound.h"
#include "store/CatalogueStore.h"

namespace medbox::booking {

std::vector<Department> Catalogue::departments(bool includeInactive) const {
    return env_.db.read([&](db::Connection& c) { return store::listDepartments(c, includeInactive); });
}

Department Catalogue::department(int64_t id) const {
    return orNotFound(env_.db.read([&](db::Connection& c) { return store::findDepartment(c, id); }), "department", id);
}

Department Catalogue::createDepartment(const Caller& who, Department d) {
    env_.db.write([&](db::Tx& tx) {
        if (store::findDepartmentByCode(tx.conn(), d.code))
            throw AppError(Err::Conflict, "a department with code " + d.code + " already exists", "code");
        d.id = store::insertDepartment(tx.conn(), d, env_.now());
        auto detail = jsonObject();
        detail->set("code", d.code);
        env_.effects.auditIn(tx, who.actor, "booking.department_create", "department:" + std::to_string(d.id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return d;
}

Department Catalogue::updateDepartment(const Caller& who, Department d) {
    env_.db.write([&](db::Tx& tx) {
        orNotFound(store::findDepartment(tx.conn(), d.id), "department", d.id);
        auto same = store::findDepartmentByCode(tx.conn(), d.code);
        if (same && same->id != d.id)
            throw AppError(Err::Conflict, "a department with code " + d.code + " already exists", "code");
        store::updateDepartment(tx.conn(), d, env_.now());
        auto detail = jsonObject();
        detail->set("code", d.code);
        detail->set("active", d.active);
        env_.effects.auditIn(tx, who.actor, "booking.department_update", "department:" + std::to_string(d.id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return d;
}

std::vector<Doctor> Catalogue::doctors(std::optional<int64_t> departmentId, bool includeInactive) const {
    return env_.db.read([&](db::Connection& c) { return store::listDoctors(c, departmentId, includeInactive); });
}

Doctor Catalogue::doctor(int64_t id) const {
    return orNotFound(env_.db.read([&](db::Connection& c) { return store::findDoctor(c, id); }), "doctor", id);
}

void Catalogue::requireDepartment(int64_t id, const std::string& field) const {
    auto d = env_.db.read([&](db::Connection& c) { return store::findDepartment(c, id); });
    if (!d) throw AppError(Err::InvalidField, "department " + std::to_string(id) + " does not exist", field);
}

void Catalogue::requireDoctor(int64_t id, const std::string& field) const {
    auto d = env_.db.read([&](db::Connection& c) { return store::findDoctor(c, id); });
    if (!d) throw AppError(Err::InvalidField, "doctor " + std::to_string(id) + " does not exist", field);
}

Doctor Catalogue::createDoctor(const Caller& who, Doctor d) {
    env_.db.write([&](db::Tx& tx) {
        if (!store::findDepartment(tx.conn(), d.departmentId))
            throw AppError(Err::InvalidField, "department " + std::to_string(d.departmentId) + " does not exist",
                           "departmentId");
        d.id = store::insertDoctor(tx.conn(), d, env_.now());
        auto detail = jsonObject();
        detail->set("departmentId", d.departmentId);
        env_.effects.auditIn(tx, who.actor, "booking.doctor_create", "doctor:" + std::to_string(d.id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return doctor(d.id);
}

Doctor Catalogue::updateDoctor(const Caller& who, Doctor d) {
    env_.db.write([&](db::Tx& tx) {
        orNotFound(store::findDoctor(tx.conn(), d.id), "doctor", d.id);
        if (!store::findDepartment(tx.conn(), d.departmentId))
            throw AppError(Err::InvalidField, "department " + std::to_string(d.departmentId) + " does not exist",
                           "departmentId");
        store::updateDoctor(tx.conn(), d, env_.now());
        auto detail = jsonObject();
        detail->set("departmentId", d.departmentId);
        detail->set("active", d.active);
        env_.effects.auditIn(tx, who.actor, "booking.doctor_update", "doctor:" + std::to_string(d.id), detail);
        env_.cache.invalidateAfter(tx);
    });
    return doctor(d.id);
}

}  // namespace medbox::booking
