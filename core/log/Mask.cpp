#include "core/log/Mask.h"

#include <algorithm>

namespace medbox::mask {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Length in bytes of the UTF-8 sequence starting with lead byte c; a stray
// continuation or invalid byte counts as one character so that malformed
// input is still fully masked.
size_t utf8Length(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    if ((c & 0xF8) == 0xF0) return 4;
    return 1;
}

}  // namespace

std::string idNumber(std::string_view id) {
    // Too short to show 7 characters without revealing most of it: hide all.
    if (id.size() < 12) return std::string(id.size(), '*');
    std::string out(id.substr(0, 3));
    out.append(id.size() - 7, '*');
    out.append(id.substr(id.size() - 4));
    return out;
}

std::string phone(std::string_view phone) {
    if (phone.size() >= 11) {
        std::string out(phone.substr(0, 3));
        out += "****";
        out.append(phone.substr(phone.size() - 4));
        return out;
    }
    // A short (landline or partial) number: the last two digits are enough to
    // tell two numbers apart in a log.
    if (phone.size() > 4) return "****" + std::string(phone.substr(phone.size() - 2));
    return std::string(phone.size(), '*');
}

std::string name(std::string_view name) {
    if (name.empty()) return {};
    size_t first = std::min(utf8Length(static_cast<unsigned char>(name[0])), name.size());
    std::string out(name.substr(0, first));
    size_t i = first;
    while (i < name.size()) {
        size_t len = utf8Length(static_cast<unsigned char>(name[i]));
        // A truncated sequence: treat the rest as one character.
        i = std::min(i + len, name.size());
        out += '*';
    }
    return out;
}

std::string scrub(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    const size_t n = text.size();
    while (i < n) {
        if (!isDigit(text[i])) {
            out += text[i++];
            continue;
        }
        // A maximal digit run [i, j): digits glued to a longer run are not an
        // ID or phone number (timestamps, counters), so only exact lengths match.
        size_t j = i;
        while (j < n && isDigit(text[j])) ++j;
        const size_t len = j - i;
        if (len == 18) {
            out += idNumber(text.substr(i, 18));
        } else if (len == 17 && j < n && (text[j] == 'X' || text[j] == 'x') && (j + 1 >= n || !isDigit(text[j + 1]))) {
            out += idNumber(text.substr(i, 18));
            ++j;
        } else if (len == 11 && text[i] == '1' && text[i + 1] >= '3' && text[i + 1] <= '9') {
            out += phone(text.substr(i, 11));
        } else {
            out.append(text.substr(i, len));
        }
        i = j;
    }
    return out;
}

}  // namespace medbox::mask
