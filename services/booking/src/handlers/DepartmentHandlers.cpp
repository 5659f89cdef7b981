// Departments: catalogue reads for staff and the portal, writes for schedulers.
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "handlers/Views.h"
#include "core/error/AppError.h"
#include <algorithm>

namespace medbox::booking {

namespace {

const std::vector<std::string> kDepartmentFields{"code",        "name",      "nameEn", "location",
                                                 "description", "sortOrder", "active"};

Department parseDepartment(const JsonBody& b) {
    b.allowOnly(kDepartmentFields);
    Department d;
    d.code = b.str("code", 16);
    for (char& c : d.code)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const bool codeOk = d.code.size() >= 2 && std::all_of(d.code.begin(), d.code.end(), [](char c) {
                            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
                        });
    if (!codeOk) throw AppError(Err::InvalidField, "code is 2-16 of A-Z 0-9 _ -", "code");
    d.name = input::requiredText(b, "name", 60);
    d.nameEn = input::text(b, "nameEn", 120);
    d.location = input::text(b, "location", 120);
    d.description = input::text(b, "description", 2000);
    d.sortOrder = static_cast<int>(b.optInteger("sortOrder", 0, 100000).value_or(0));
    d.active = b.optBoolean("active").value_or(true);
    return d;
}

}  // namespace

void Handlers::listDepartments(Request& rq, Reply& rp) {
    const bool all = input::flag(rq, "includeInactive");
    rp.json(views::items(catalogue_.departments(all), views::department));
}

void Handlers::getDepartment(Request& rq, Reply& rp) {
    rp.json(views::department(catalogue_.department(rq.idParam("id"))));
}

void Handlers::createDepartment(Request& rq, Reply& rp) {
    const Department d = catalogue_.createDepartment(input::caller(rq), parseDepartment(rq.json()));
    rp.status(201);
    rp.header("Location", "/api/v1/departments/" + std::to_string(d.id));
    rp.json(views::department(d));
}

void Handlers::updateDepartment(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    catalogue_.department(id);  // 404 before 400: the resource must exist
    Department d = parseDepartment(rq.json());
    d.id = id;
    rp.json(views::department(catalogue_.updateDepartment(input::caller(rq), d)));
}

}  // namespace medbox::booking
