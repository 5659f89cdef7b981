#pragma once
// Doctors' photos (scheduling office, issue 13): JPEG, PNG or WebP of at
// most kMaxPhotoBytes, checked by their first bytes, not only by the
// declared type. Stored in doctor_photo; the doctor's photoUrl then names
// GET /api/v1/doctors/{id}/photo with a version, so caches see a new photo.
// Stateless apart from the environment; thread-safe.
#include "core/error/ErrorCodes.h"
#include "domain/BookingEnv.h"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medbox::booking {

// Below the server's 64 KiB body limit: the page scales photos down to
// 320 px JPEG (about 20-40 KiB) before uploading.
constexpr size_t kMaxPhotoBytes = 60 * 1024;

struct PhotoProblem {
    Err err;
    std::string message;
};
// Why bytes declared as contentType cannot be a doctor's photo, or nullopt.
std::optional<PhotoProblem> photoProblem(std::string_view contentType, std::string_view bytes);

struct Photo {
    std::string contentType;
    std::string bytes;
    std::string sha256;  // hex, the ETag
};

class DoctorPhotos {
public:
    explicit DoctorPhotos(BookingEnv& env) : env_(env) {}
    // Stores the photo (checked first) and points the doctor's photoUrl at
    // it; audited booking.doctor_photo. Returns the new photoUrl.
    std::string put(const Caller& who, int64_t doctorId, const std::string& contentType, const std::string& bytes);
    // NotFound when the doctor has no uploaded photo.
    Photo get(int64_t doctorId) const;

private:
    BookingEnv& env_;
};

}  // namespace medbox::booking
