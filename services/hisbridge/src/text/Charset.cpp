#include "text/Charset.h"
#include "core/error/AppError.h"
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <iconv.h>
#include <stdexcept>

namespace medbox::hisbridge::text {

namespace {

std::string normal(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '-' && c != '_')
            out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return out;
}

const char* iconvName(Charset cs) {
    switch (cs) {
        case Charset::Utf8: return "UTF-8";
        case Charset::Gb18030: return "GB18030";
        case Charset::Gbk: return "GBK";
    }
    return "UTF-8";
}

}  // namespace

bool validUtf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t n = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) return false;
        for (size_t k = 1; k <= n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // overlong forms, surrogates, beyond U+10FFFF
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

namespace {

// iconv over the whole input; false when a byte sequence is invalid or cannot be represented.
bool convert(std::string_view in, const char* to, const char* from, std::string& out) {
    iconv_t cd = iconv_open(to, from);
    if (cd == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error(std::string("iconv cannot convert ") + from);
    out.assign(in.size() * 4 + 16, '\0');
    char* src = const_cast<char*>(in.data());
    size_t srcLeft = in.size();
    char* dst = out.data();
    size_t dstLeft = out.size();
    const size_t r = iconv(cd, &src, &srcLeft, &dst, &dstLeft);
    const bool ok = r != static_cast<size_t>(-1) && srcLeft == 0 &&
                    iconv(cd, nullptr, nullptr, &dst, &dstLeft) != static_cast<size_t>(-1);
    iconv_close(cd);
    out.resize(out.size() - dstLeft);
    return ok;
}

}  // namespace

std::optional<Charset> charsetNamed(std::string_view name) {
    const std::string n = normal(name);
    if (n == "UNICODEUTF8" || n == "UTF8" || n == "ASCII" || n == "USASCII") return Charset::Utf8;
    if (n == "GB180302000" || n == "GB18030" || n == "GB180302005") return Charset::Gb18030;
    if (n == "GBK" || n == "GB2312" || n == "GB23121980" || n == "CP936") return Charset::Gbk;
    return std::nullopt;
}

std::string toUtf8(std::string_view bytes, Charset cs, const std::string& field) {
    if (cs == Charset::Utf8) {
        if (!validUtf8(bytes)) throw AppError(Err::BadRequest, "the message is not valid UTF-8", field);
        return std::string(bytes);
    }
    std::string out;
    if (!convert(bytes, "UTF-8", iconvName(cs), out))
        throw AppError(Err::BadRequest, std::string("the message is not valid ") + iconvName(cs), field);
    return out;
}

std::string fromUtf8(std::string_view utf8, Charset cs) {
    if (cs == Charset::Utf8) return std::string(utf8);
    std::string out;
    if (!convert(utf8, iconvName(cs), "UTF-8", out))
        throw AppError(Err::Internal, std::string("a character cannot be written in ") + iconvName(cs));
    return out;
}

std::string_view charsetName(Charset cs) { return iconvName(cs); }

}  // namespace medbox::hisbridge::text
