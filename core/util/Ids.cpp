#include "core/util/Ids.h"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace medbox::ids {

namespace {

constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr const char* kCheckChars = "10X98765432";

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int number(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

// Today's date in China Standard Time (UTC+8, no DST): the appliance serves a
// mainland hospital, and a child born today must be accepted all day long.
std::chrono::year_month_day todayInChina() {
    using namespace std::chrono;
    auto now = system_clock::now() + hours(8);
    return year_month_day(floor<days>(now));
}

std::string hex(const unsigned char* p, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        out += digits[p[i] >> 4];
        out += digits[p[i] & 0x0f];
    }
    return out;
}

void randomBytes(unsigned char* p, int n) {
    if (RAND_bytes(p, n) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed: no entropy available");
}

// Random bytes for ids made in quick succession: one RAND_bytes call per
// 4 KiB instead of one per id (each call costs a lock and a fork check). The
// services never fork; a forked child would hand out its parent's pool again.
void pooledRandomBytes(unsigned char* p, size_t n) {
    thread_local std::array<unsigned char, 4096> pool;
    thread_local size_t used = pool.size();
    if (used + n > pool.size()) {
        randomBytes(pool.data(), static_cast<int>(pool.size()));
        used = 0;
    }
    std::memcpy(p, pool.data() + used, n);
    used += n;  // each byte is handed out once
}

}  // namespace

std::string checkResidentId(std::string_view id) {
    if (id.size() != 18) return "must be 18 characters, got " + std::to_string(id.size());
    for (size_t i = 0; i < 17; ++i) {
        if (!isDigit(id[i])) return "characters 1 to 17 must be digits";
    }
    const char last = id[17];
    if (last == 'x') return "use upper-case X";
    if (!isDigit(last) && last != 'X') return "the last character must be a digit or X";

    using namespace std::chrono;
    const int y = number(id.substr(6, 4));
    const unsigned m = static_cast<unsigned>(number(id.substr(10, 2)));
    const unsigned d = static_cast<unsigned>(number(id.substr(12, 2)));
    const year_month_day birth{year{y}, month{m}, day{d}};
    if (!birth.ok()) return "birth date " + std::string(id.substr(6, 8)) + " is not a real date";
    if (y < 1900) return "birth date " + std::string(id.substr(6, 8)) + " is before 1900";
    if (sys_days(birth) > sys_days(todayInChina()))
        return "birth date " + std::string(id.substr(6, 8)) + " is in the future";

    int sum = 0;
    for (size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
    if (kCheckChars[sum % 11] != last) return "check character does not match (GB 11643)";
    return {};
}

std::string randomBytes(size_t n) {
    std::string out(n, '\0');
    randomBytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
    return out;
}

std::string random128() {
    unsigned char b[16];
    randomBytes(b, sizeof b);
    return hex(b, sizeof b);
}

std::string uuid7() {
    using namespace std::chrono;
    const auto ms = static_cast<uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
    unsigned char b[16];
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));  // 48 bits, big-endian
    pooledRandomBytes(b + 6, 10);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x70);  // version 7
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 9562 variant
    const std::string h = hex(b, sizeof b);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace medbox::ids
