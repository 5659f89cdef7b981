// Doctors' photos: type, size and first-byte checks; stored bytes read back;
// the doctor's photoUrl versioned; audited without the bytes.
#include "TestEnv.h"
#include "core/error/AppError.h"
#include "domain/DoctorPhotos.h"

using namespace medbox;
using namespace medbox::booking;
using namespace medbox::booking::testing;

namespace {

const std::string kJpeg = std::string("\xff\xd8\xff\xe0", 4) + std::string(100, 'j');
const std::string kPng = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'p');
const std::string kWebp = std::string("RIFF\x10\x00\x00\x00WEBPVP8 ", 16) + std::string(100, 'w');

Err errOf(const std::optional<PhotoProblem>& p) { return p ? p->err : Err::Internal; }

}  // namespace

TEST(PhotoProblem, AcceptsJpegPngWebpByTheirFirstBytes) {
    EXPECT_FALSE(photoProblem("image/jpeg", kJpeg));
    EXPECT_FALSE(photoProblem("image/png", kPng));
    EXPECT_FALSE(photoProblem("image/webp", kWebp));
    EXPECT_FALSE(photoProblem("image/jpeg; foo=bar", kJpeg));
}

TEST(PhotoProblem, RefusesOtherTypesMismatchesEmptyAndLarge) {
    EXPECT_EQ(errOf(photoProblem("image/svg+xml", "<svg/>")), Err::UnsupportedMedia);  // scripts inside
    EXPECT_EQ(errOf(photoProblem("text/html", "<html>")), Err::UnsupportedMedia);
    EXPECT_EQ(errOf(photoProblem("", kJpeg)), Err::UnsupportedMedia);
    EXPECT_EQ(errOf(photoProblem("image/png", kJpeg)), Err::InvalidField);
    EXPECT_EQ(errOf(photoProblem("image/jpeg", "<html><script>")), Err::InvalidField);
    EXPECT_EQ(errOf(photoProblem("image/webp", "RIFF")), Err::InvalidField);
    EXPECT_EQ(errOf(photoProblem("image/jpeg", "")), Err::MissingField);
    std::string big = kJpeg + std::string(kMaxPhotoBytes, 'x');
    EXPECT_EQ(errOf(photoProblem("image/jpeg", big)), Err::PayloadTooLarge);
    big.resize(kMaxPhotoBytes);
    EXPECT_FALSE(photoProblem("image/jpeg", big));
}

class DoctorPhotosTest : public BookingTest {};

TEST_F(DoctorPhotosTest, StoresReadsAndVersionsThePhoto) {
    at("2026-01-05", "08:00");
    const Doctor d = doctor(department().id);
    DoctorPhotos photos(*env);
    EXPECT_THROW(photos.get(d.id), AppError);
    const std::string url = photos.put(staff, d.id, "image/jpeg", kJpeg);
    EXPECT_EQ(url.rfind("/api/v1/doctors/" + std::to_string(d.id) + "/photo?v=", 0), 0u) << url;
    EXPECT_EQ(Catalogue(*env).doctor(d.id).photoUrl, url);
    Photo p = photos.get(d.id);
    EXPECT_EQ(p.contentType, "image/jpeg");
    EXPECT_EQ(p.bytes, kJpeg);
    // A new photo replaces the old one and gets a new version.
    const std::string url2 = photos.put(staff, d.id, "image/png", kPng);
    EXPECT_NE(url2, url);
    p = photos.get(d.id);
    EXPECT_EQ(p.contentType, "image/png");
    EXPECT_EQ(p.bytes, kPng);
    EXPECT_EQ(countRows(*db, "audit_log", "booking.doctor_photo"), 2);
    // Refused uploads change nothing.
    EXPECT_THROW(photos.put(staff, d.id, "image/gif", "GIF89a"), AppError);
    EXPECT_THROW(photos.put(staff, 999, "image/png", kPng), AppError);
    EXPECT_EQ(photos.get(d.id).bytes, kPng);
    EXPECT_EQ(countRows(*db, "audit_log", "booking.doctor_photo"), 2);
}
