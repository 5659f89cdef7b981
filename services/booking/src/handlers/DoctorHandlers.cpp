// Doctors: catalogue reads for staff and the portal, writes for schedulers.
#include "domain/Patient.h"
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "handlers/Views.h"
#include "core/error/AppError.h"

namespace medbox::booking {

namespace {

const std::vector<std::string> kDoctorFields{"departmentId", "name",         "title", "specialty",
                                             "photoUrl",     "introduction", "active"};

// A photo is an absolute http(s) URL or a path on the portal ("/media/...").
bool isPhotoUrl(const std::string& u) {
    if (u.empty()) return true;
    const bool schemeOk = u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0 ||
                          (u[0] == '/' && u.rfind("//", 0) != 0);
    if (!schemeOk) return false;
    for (char ch : u) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\') return false;
    }
    return true;
}

Doctor parseDoctor(const JsonBody& b) {
    b.allowOnly(kDoctorFields);
    Doctor d;
    d.departmentId = b.integer("departmentId", 1, INT64_MAX);
    d.name = b.str("name", 120);
    if (auto bad = checkPersonName(d.name)) throw AppError(Err::InvalidField, *bad, b.path("name"));
    d.title = b.oneOf("title", doctorTitles());
    d.specialty = input::text(b, "specialty", 200);
    d.photoUrl = input::text(b, "photoUrl", 500);
    if (!isPhotoUrl(d.photoUrl))
        throw AppError(Err::InvalidField, "photoUrl must be an http(s) URL or a path starting with /", "photoUrl");
    d.introduction = input::text(b, "introduction", 4000);
    d.active = b.optBoolean("active").value_or(true);
    return d;
}

}  // namespace

void Handlers::listDoctors(Request& rq, Reply& rp) {
    const auto department = input::id(rq, "department");
    const bool all = input::flag(rq, "includeInactive");
    if (department) catalogue_.requireDepartment(*department, "department");
    rp.json(views::items(catalogue_.doctors(department, all), views::doctor));
}

void Handlers::getDoctor(Request& rq, Reply& rp) { rp.json(views::doctor(catalogue_.doctor(rq.idParam("id")))); }

void Handlers::createDoctor(Request& rq, Reply& rp) {
    const Doctor d = catalogue_.createDoctor(input::caller(rq), parseDoctor(rq.json()));
    rp.status(201);
    rp.header("Location", "/api/v1/doctors/" + std::to_string(d.id));
    rp.json(views::doctor(d));
}

void Handlers::updateDoctor(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    catalogue_.doctor(id);  // 404 before 400
    Doctor d = parseDoctor(rq.json());
    d.id = id;
    rp.json(views::doctor(catalogue_.updateDoctor(input::caller(rq), d)));
}

}  // namespace medbox::booking
