#include "hl7/Escape.h"
#include <cctype>

namespace medbox::hisbridge::hl7 {

namespace {

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// \Xhhhh..\: an even, non-zero number of hex digits; nullopt-like false otherwise.
bool decodeHex(std::string_view digits, std::string& out) {
    if (digits.empty() || digits.size() % 2) return false;
    std::string bytes;
    for (size_t i = 0; i < digits.size(); i += 2) {
        const int hi = hexDigit(digits[i]), lo = hexDigit(digits[i + 1]);
        if (hi < 0 || lo < 0) return false;
        bytes.push_back(static_cast<char>(hi * 16 + lo));
    }
    out += bytes;
    return true;
}

}  // namespace

std::string unescape(std::string_view raw, const Delimiters& d) {
    if (raw.find(d.escape) == std::string_view::npos) return std::string(raw);
    std::string out;
    out.reserve(raw.size());
    size_t i = 0;
    while (i < raw.size()) {
        if (raw[i] != d.escape) {
            out.push_back(raw[i++]);
            continue;
        }
        const auto close = raw.find(d.escape, i + 1);
        if (close == std::string_view::npos) {  // no closing escape: the rest is text
            out.append(raw.substr(i));
            break;
        }
        const std::string_view code = raw.substr(i + 1, close - i - 1);
        bool known = true;
        if (code == "F")
            out.push_back(d.field);
        else if (code == "S")
            out.push_back(d.component);
        else if (code == "T")
            out.push_back(d.subcomponent);
        else if (code == "R")
            out.push_back(d.repetition);
        else if (code == "E")
            out.push_back(d.escape);
        else if (!code.empty() && code[0] == 'X')
            known = decodeHex(code.substr(1), out);
        else
            known = false;
        if (!known) out.append(raw.substr(i, close - i + 1));  // kept as received
        i = close + 1;
    }
    return out;
}

std::string escape(std::string_view text, const Delimiters& d) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == d.escape)
            out += std::string{d.escape, 'E', d.escape};
        else if (c == d.field)
            out += std::string{d.escape, 'F', d.escape};
        else if (c == d.component)
            out += std::string{d.escape, 'S', d.escape};
        else if (c == d.subcomponent)
            out += std::string{d.escape, 'T', d.escape};
        else if (c == d.repetition)
            out += std::string{d.escape, 'R', d.escape};
        else if (c == '\r')
            out += std::string{d.escape} + "X0D" + d.escape;
        else if (c == '\n')
            out += std::string{d.escape} + "X0A" + d.escape;
        else
            out.push_back(c);
    }
    return out;
}

}  // namespace medbox::hisbridge::hl7
