#pragma once
// SQL for departments and doctors. Reads take a reader Connection, writes the
// writer's (Tx::conn()); callers own the transaction. Portable SQL only.
#include "core/db/Database.h"
#include "store/Rows.h"
#include <optional>
#include <vector>

namespace medbox::booking::store {

std::vector<Department> listDepartments(db::Connection& c, bool includeInactive);
std::optional<Department> findDepartment(db::Connection& c, int64_t id);
std::optional<Department> findDepartmentByCode(db::Connection& c, const std::string& code);
int64_t insertDepartment(db::Connection& c, const Department& d, int64_t nowMs);
void updateDepartment(db::Connection& c, const Department& d, int64_t nowMs);
bool hasAnyDepartment(db::Connection& c);

std::vector<Doctor> listDoctors(db::Connection& c, std::optional<int64_t> departmentId, bool includeInactive);
std::optional<Doctor> findDoctor(db::Connection& c, int64_t id);
int64_t insertDoctor(db::Connection& c, const Doctor& d, int64_t nowMs);
void updateDoctor(db::Connection& c, const Doctor& d, int64_t nowMs);

struct DoctorPhotoRow {
    std::string contentType;
    std::string bytes;
    std::string sha256;
};
void putDoctorPhoto(db::Connection& c, int64_t doctorId, const std::string& contentType, const std::string& bytes,
                    const std::string& sha256, int64_t nowMs);
std::optional<DoctorPhotoRow> findDoctorPhoto(db::Connection& c, int64_t doctorId);

}  // namespace medbox::booking::store
