#include "core/time/IsoTime.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace medbox {

std::string isoUtc(int64_t ms) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(ms * 1000), Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::string isoUtcMillis(int64_t ms) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(ms * 1000), "%Y-%m-%dT%H:%M:%S.%iZ");
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// `n` digits at `pos`, as a number; -1 when they are not all digits.
int64_t digits(std::string_view s, std::size_t pos, std::size_t n) {
    if (pos + n > s.size()) return -1;
    int64_t v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

}  // namespace

std::optional<int64_t> parseIsoMicros(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
        return std::nullopt;
    }
    const int64_t y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    const int64_t h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) {
        return std::nullopt;
    }
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > kDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0)) return std::nullopt;
    std::size_t pos = 19;
    int64_t micros = 0;
    if (pos < s.size() && s[pos] == '.') {
        std::size_t n = 0;
        int64_t scale = 100000;
        while (pos + 1 + n < s.size() && s[pos + 1 + n] >= '0' && s[pos + 1 + n] <= '9') {
            if (n < 6) micros += (s[pos + 1 + n] - '0') * scale, scale /= 10;
            ++n;
        }
        if (n == 0 || n > 9) return std::nullopt;
        pos += 1 + n;
    }
    int64_t offsetMinutes = 0;
    if (pos < s.size() && s[pos] == 'Z') {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        const int64_t oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
        if (pos + 6 > s.size() || s[pos + 3] != ':' || oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
        offsetMinutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    const int64_t secondsUtc = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                               h * 3600 + mi * 60 + sec - offsetMinutes * 60;
    if (secondsUtc < 0) return std::nullopt;
    return secondsUtc * 1000000 + micros;
}

std::string isoUtcMicros(int64_t us) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(us), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

}  // namespace medbox
