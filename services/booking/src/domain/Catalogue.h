#pragma once
// Departments and doctors (the catalogue the portal shows). Field formats are
// checked by the handlers; this class checks what needs the database
// (unique codes, existing departments), writes, audits and invalidates the
// availability cache (it embeds doctor and department names).
// Stateless apart from the environment; thread-safe.
#include "domain/BookingEnv.h"
#include "store/Rows.h"
#include <optional>
#include <vector>

namespace medbox::booking {

inline const std::vector<std::string>& doctorTitles() {
    static const std::vector<std::string> titles{"chief", "associate_chief", "attending", "resident"};
    return titles;
}

class Catalogue {
public:
    explicit Catalogue(BookingEnv& env) : env_(env) {}

    std::vector<Department> departments(bool includeInactive) const;
    Department department(int64_t id) const;  // NotFound
    Department createDepartment(const Caller& who, Department d);
    Department updateDepartment(const Caller& who, Department d);

    std::vector<Doctor> doctors(std::optional<int64_t> departmentId, bool includeInactive) const;
    Doctor doctor(int64_t id) const;  // NotFound
    Doctor createDoctor(const Caller& who, Doctor d);
    Doctor updateDoctor(const Caller& who, Doctor d);
    // InvalidField naming `field` when the department does not exist.
    void requireDepartment(int64_t id, const std::string& field) const;
    void requireDoctor(int64_t id, const std::string& field) const;

private:
    BookingEnv& env_;
};

}  // namespace medbox::booking
