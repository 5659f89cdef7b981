#include "store/CatalogueStore.h"

namespace medbox::booking::store {

namespace {

const char* kDepartmentColumns = "id, code, name, name_en, location, description, sort_order, active";

Department readDepartment(const db::Statement& st) {
    Department d;
    d.id = st.i64(0);
    d.code = st.str(1);
    d.name = st.str(2);
    d.nameEn = st.str(3);
    d.location = st.str(4);
    d.description = st.str(5);
    d.sortOrder = static_cast<int>(st.i64(6));
    d.active = st.i64(7) != 0;
    return d;
}

const char* kDoctorSelect =
    "SELECT d.id, d.department_id, d.name, d.title, d.specialty, d.photo_url, d.introduction, d.active, p.name "
    "FROM doctor d JOIN department p ON p.id = d.department_id ";

Doctor readDoctor(const db::Statement& st) {
    Doctor d;
    d.id = st.i64(0);
    d.departmentId = st.i64(1);
    d.name = st.str(2);
    d.title = st.str(3);
    d.specialty = st.str(4);
    d.photoUrl = st.str(5);
    d.introduction = st.str(6);
    d.active = st.i64(7) != 0;
    d.departmentName = st.str(8);
    return d;
}

}  // namespace

std::vector<Department> listDepartments(db::Connection& c, bool includeInactive) {
    auto st = c.prepare(std::string("SELECT ") + kDepartmentColumns +
                        " FROM department WHERE active = 1 OR ? = 1 ORDER BY sort_order, id");
    st.args(includeInactive ? 1 : 0);
    std::vector<Department> out;
    while (st.step()) out.push_back(readDepartment(st));
    return out;
}

std::optional<Department> findDepartment(db::Connection& c, int64_t id) {
    auto st = c.prepare(std::string("SELECT ") + kDepartmentColumns + " FROM department WHERE id = ?");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readDepartment(st);
}

std::optional<Department> findDepartmentByCode(db::Connection& c, const std::string& code) {
    auto st = c.prepare(std::string("SELECT ") + kDepartmentColumns + " FROM department WHERE code = ?");
    st.args(code);
    if (!st.step()) return std::nullopt;
    return readDepartment(st);
}

int64_t insertDepartment(db::Connection& c, const Department& d, int64_t nowMs) {
    c.prepare(
         "INSERT INTO department (code, name, name_en, location, description, sort_order, active, created_at, "
         "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .args(d.code, d.name, d.nameEn, d.location, d.description, d.sortOrder, d.active ? 1 : 0, nowMs, nowMs)
        .run();
    return c.lastInsertId();
}

void updateDepartment(db::Connection& c, const Department& d, int64_t nowMs) {
    c.prepare(
         "UPDATE department SET code = ?, name = ?, name_en = ?, location = ?, description = ?, "
         "sort_order = ?, active = ?, updated_at = ? WHERE id = ?")
        .args(d.code, d.name, d.nameEn, d.location, d.description, d.sortOrder, d.active ? 1 : 0, nowMs, d.id)
        .run();
}

bool hasAnyDepartment(db::Connection& c) {
    auto st = c.prepare("SELECT 1 FROM department LIMIT 1");
    return st.step();
}

std::vector<Doctor> listDoctors(db::Connection& c, std::optional<int64_t> departmentId, bool includeInactive) {
    // Two SQL texts rather than "? IS NULL OR ...": each stays a plain indexed
    // lookup and portable (PostgreSQL cannot type an untyped NULL parameter).
    std::string sql = std::string(kDoctorSelect) + "WHERE ((d.active = 1 AND p.active = 1) OR ? = 1)";
    if (departmentId) sql += " AND d.department_id = ?";
    sql += " ORDER BY p.sort_order, d.department_id, d.id";
    auto st = c.prepare(sql);
    st.bind(1, includeInactive ? 1 : 0);
    if (departmentId) st.bind(2, *departmentId);
    std::vector<Doctor> out;
    while (st.step()) out.push_back(readDoctor(st));
    return out;
}

std::optional<Doctor> findDoctor(db::Connection& c, int64_t id) {
    auto st = c.prepare(std::string(kDoctorSelect) + "WHERE d.id = ?");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readDoctor(st);
}

int64_t insertDoctor(db::Connection& c, const Doctor& d, int64_t nowMs) {
    c.prepare(
         "INSERT INTO doctor (department_id, name, title, specialty, photo_url, introduction, active, "
         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .args(d.departmentId, d.name, d.title, d.specialty, d.photoUrl, d.introduction, d.active ? 1 : 0, nowMs, nowMs)
        .run();
    return c.lastInsertId();
}

void updateDoctor(db::Connection& c, const Doctor& d, int64_t nowMs) {
    c.prepare(
         "UPDATE doctor SET department_id = ?, name = ?, title = ?, specialty = ?, photo_url = ?, "
         "introduction = ?, active = ?, updated_at = ? WHERE id = ?")
        .args(d.departmentId, d.name, d.title, d.specialty, d.photoUrl, d.introduction, d.active ? 1 : 0, nowMs, d.id)
        .run();
}

void putDoctorPhoto(db::Connection& c, int64_t doctorId, const std::string& contentType, const std::string& bytes,
                    const std::string& sha256, int64_t nowMs) {
    // Delete and insert rather than an upsert clause: portable SQL.
    c.prepare("DELETE FROM doctor_photo WHERE doctor_id = ?").args(doctorId).run();
    auto st = c.prepare(
        "INSERT INTO doctor_photo (doctor_id, content_type, bytes, sha256, updated_at) VALUES (?, ?, ?, ?, ?)");
    st.bind(1, doctorId).bind(2, contentType).bindBlob(3, bytes).bind(4, sha256).bind(5, nowMs);
    st.run();
}

std::optional<DoctorPhotoRow> findDoctorPhoto(db::Connection& c, int64_t doctorId) {
    auto st = c.prepare("SELECT content_type, bytes, sha256 FROM doctor_photo WHERE doctor_id = ?");
    st.args(doctorId);
    if (!st.step()) return std::nullopt;
    return DoctorPhotoRow{st.str(0), st.blob(1), st.str(2)};
}

}  // namespace medbox::booking::store
