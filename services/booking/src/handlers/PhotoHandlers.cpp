// Doctors' photos: uploaded as raw image bytes by the scheduling office,
// read by staff pages and the portal (docs/booking.md, "Doctors' photos").
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "core/http/JsonText.h"

namespace medbox::booking {

void Handlers::putDoctorPhoto(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    catalogue_.doctor(id);  // 404 before 400
    const std::string url = photos_.put(input::caller(rq), id, rq.header("Content-Type"), rq.body());
    rp.rawJson(json::ObjectWriter().number("id", id).string("photoUrl", url).done());
}

void Handlers::getDoctorPhoto(Request& rq, Reply& rp) {
    const Photo p = photos_.get(rq.idParam("id"));
    const std::string etag = "\"" + p.sha256.substr(0, 32) + "\"";
    rp.header("ETag", etag);
    rp.header("Cache-Control", "no-cache");
    if (rq.header("If-None-Match") == etag) {
        rp.status(304);
        rp.content(p.contentType, "");
        return;
    }
    rp.content(p.contentType, p.bytes);
}

}  // namespace medbox::booking
