#include "domain/DoctorPhotos.h"
#include "domain/Digest.h"
#include "core/error/AppError.h"
#include "store/CatalogueStore.h"

namespace medbox::booking {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

std::optional<PhotoProblem> photoProblem(std::string_view contentType, std::string_view bytes) {
    // "image/jpeg; charset=..." is not a thing, but parameters are legal: compare the type alone.
    const std::string_view type = contentType.substr(0, contentType.find(';'));
    bool matches = false;
    if (type == "image/jpeg")
        matches = startsWith(bytes, "\xff\xd8\xff");
    else if (type == "image/png")
        matches = startsWith(bytes, "\x89PNG\r\n\x1a\n");
    else if (type == "image/webp")
        matches = bytes.size() >= 12 && startsWith(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP";
    else
        return PhotoProblem{Err::UnsupportedMedia, "a photo is image/jpeg, image/png or image/webp"};
    if (bytes.empty()) return PhotoProblem{Err::MissingField, "the photo is empty"};
    if (bytes.size() > kMaxPhotoBytes)
        return PhotoProblem{Err::PayloadTooLarge,
                            "a photo is at most " + std::to_string(kMaxPhotoBytes / 1024) + " KiB; scale it down"};
    if (!matches) return PhotoProblem{Err::InvalidField, "the bytes are not a " + std::string(type) + " image"};
    return std::nullopt;
}

std::string DoctorPhotos::put(const Caller& who, int64_t doctorId, const std::string& contentType,
                              const std::string& bytes) {
    if (auto bad = photoProblem(contentType, bytes)) throw AppError(bad->err, bad->message);
    const std::string sha = sha256Hex(bytes);
    const std::string type = contentType.substr(0, contentType.find(';'));
    const std::string url = "/api/v1/doctors/" + std::to_string(doctorId) + "/photo?v=" + sha.substr(0, 12);
    env_.db.write([&](db::Tx& tx) {
        auto d = store::findDoctor(tx.conn(), doctorId);
        if (!d) throw AppError(Err::NotFound, "doctor " + std::to_string(doctorId) + " does not exist");
        store::putDoctorPhoto(tx.conn(), doctorId, type, bytes, sha, env_.now());
        d->photoUrl = url;
        store::updateDoctor(tx.conn(), *d, env_.now());
        auto detail = jsonObject();
        detail->set("contentType", type);
        detail->set("bytes", static_cast<int64_t>(bytes.size()));
        detail->set("sha256", sha);
        env_.effects.auditIn(tx, who.actor, "booking.doctor_photo", "doctor:" + std::to_string(doctorId), detail);
        env_.cache.invalidateAfter(tx);
    });
    return url;
}

Photo DoctorPhotos::get(int64_t doctorId) const {
    auto p = env_.db.read([&](db::Connection& c) { return store::findDoctorPhoto(c, doctorId); });
    if (!p) throw AppError(Err::NotFound, "doctor " + std::to_string(doctorId) + " has no uploaded photo");
    return Photo{p->contentType, p->bytes, p->sha256};
}

}  // namespace medbox::booking
