#pragma once
// Calendar arithmetic in the hospital's local time. Clinic dates and session
// times are local ("2026-01-02", "08:30"); instants are UTC milliseconds from
// the injected Clock. The offset is fixed (China has no daylight saving time),
// so a day is always 24 h and no time-zone database is needed.
// Value type; immutable and thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medbox::booking {

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t daysFromCivil(int year, int month, int day);
struct CivilDate {
    int year;
    int month;
    int day;
};
CivilDate civilFromDays(int64_t days);

// "YYYY-MM-DD" <-> day number; nullopt for anything else or an impossible date.
std::optional<int64_t> parseDate(std::string_view text);
std::string formatDate(int64_t day);
// "HH:MM" <-> minutes after midnight (0..1439).
std::optional<int> parseTimeOfDay(std::string_view text);
std::string formatTimeOfDay(int minutes);

class HospitalTime {
public:
    explicit HospitalTime(int utcOffsetMinutes = 480) : offsetMinutes_(utcOffsetMinutes) {}
    int offsetMinutes() const { return offsetMinutes_; }
    // Local day number of an instant.
    int64_t day(int64_t utcMs) const;
    std::string date(int64_t utcMs) const { return formatDate(day(utcMs)); }
    // Minutes after local midnight of an instant.
    int minuteOfDay(int64_t utcMs) const;
    // The instant of a local day and minute.
    int64_t toMs(int64_t day, int minuteOfDay) const;
    // ISO 8601 with the local offset: "2026-01-02T08:30:00+08:00".
    std::string iso(int64_t utcMs) const;

private:
    int offsetMinutes_;
};

}  // namespace medbox::booking
