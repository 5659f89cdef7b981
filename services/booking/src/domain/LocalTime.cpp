#include "domain/LocalTime.h"
#include <cstdio>

namespace medbox::booking {

namespace {
constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerDay = 86'400'000;

int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool digits(std::string_view s, size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}
int number(std::string_view s, size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
}
}  // namespace

// Howard Hinnant's days_from_civil: exact for every Gregorian date.
int64_t daysFromCivil(int year, int month, int day) {
    const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
    const int64_t era = floorDiv(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t mp = (month + 9) % 12;
    const int64_t doy = (153 * mp + 2) / 5 + day - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

CivilDate civilFromDays(int64_t z) {
    z += 719468;
    const int64_t era = floorDiv(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}

std::optional<int64_t> parseDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4) || !digits(s, 5, 2) || !digits(s, 8, 2))
        return std::nullopt;
    const int y = number(s, 0, 4), m = number(s, 5, 2), d = number(s, 8, 2);
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    const int64_t days = daysFromCivil(y, m, d);
    const CivilDate back = civilFromDays(days);
    if (back.year != y || back.month != m || back.day != d) return std::nullopt;  // 2026-02-30
    return days;
}

std::string formatDate(int64_t day) {
    const CivilDate c = civilFromDays(day);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year % 10000, c.month, c.day);
    return buf;
}

std::optional<int> parseTimeOfDay(std::string_view s) {
    if (s.size() != 5 || s[2] != ':' || !digits(s, 0, 2) || !digits(s, 3, 2)) return std::nullopt;
    const int h = number(s, 0, 2), m = number(s, 3, 2);
    if (h > 23 || m > 59) return std::nullopt;
    return h * 60 + m;
}

std::string formatTimeOfDay(int minutes) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
    return buf;
}

int64_t HospitalTime::day(int64_t utcMs) const { return floorDiv(utcMs + offsetMinutes_ * kMsPerMinute, kMsPerDay); }

int HospitalTime::minuteOfDay(int64_t utcMs) const {
    const int64_t local = utcMs + offsetMinutes_ * kMsPerMinute;
    return static_cast<int>((local - floorDiv(local, kMsPerDay) * kMsPerDay) / kMsPerMinute);
}

int64_t HospitalTime::toMs(int64_t day, int minuteOfDay) const {
    return day * kMsPerDay + (minuteOfDay - offsetMinutes_) * kMsPerMinute;
}

std::string HospitalTime::iso(int64_t utcMs) const {
    const int64_t local = utcMs + offsetMinutes_ * kMsPerMinute;
    const int64_t d = floorDiv(local, kMsPerDay);
    const int64_t msOfDay = local - d * kMsPerDay;
    const int secs = static_cast<int>(msOfDay / 1000);
    const CivilDate c = civilFromDays(d);
    const int off = offsetMinutes_ < 0 ? -offsetMinutes_ : offsetMinutes_;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year % 10000, c.month, c.day,
                  secs / 3600, (secs / 60) % 60, secs % 60, offsetMinutes_ < 0 ? '-' : '+', off / 60, off % 60);
    return buf;
}

}  // namespace medbox::booking
