#include "hl7/Charset.h"
#include "core/error/AppError.h"
#include "hl7/Message.h"
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <iconv.h>
#include <stdexcept>

namespace medbox::hisbridge::hl7 {

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

std::string_view msh18Name(Charset cs) {
    switch (cs) {
        case Charset::Utf8: return "UNICODE UTF-8";
        case Charset::Gb18030: return "GB 18030-2000";
        case Charset::Gbk: return "GBK";
    }
    return "UNICODE UTF-8";
}

std::string toUtf8(std::string_view bytes, Charset cs) {
    if (cs == Charset::Utf8) {
        if (!validUtf8(bytes)) throw AppError(Err::BadRequest, "the message is not valid UTF-8", "MSH-18");
        return std::string(bytes);
    }
    std::string out;
    if (!convert(bytes, "UTF-8", iconvName(cs), out))
        throw AppError(Err::BadRequest, std::string("the message is not valid ") + iconvName(cs), "MSH-18");
    return out;
}

std::string fromUtf8(std::string_view utf8, Charset cs) {
    if (cs == Charset::Utf8) return std::string(utf8);
    std::string out;
    if (!convert(utf8, iconvName(cs), "UTF-8", out))
        throw AppError(Err::Internal, std::string("a character cannot be written in ") + iconvName(cs));
    return out;
}

RawHeader readRawHeader(std::string_view bytes) {
    // Leading line ends are skipped, as Message::parse does.
    bytes.remove_prefix(std::min(bytes.size(), bytes.find_first_not_of("\r\n")));
    const Delimiters d = readDelimiters(bytes);
    const auto end = bytes.find_first_of("\r\n");
    const std::string_view msh = bytes.substr(0, end);
    RawHeader h;
    // msh[4..] split on the field separator: piece 0 is MSH-2, piece i is MSH-(i+2).
    size_t field = 2, from = 4;
    for (;;) {
        const auto sep = msh.find(d.field, from);
        const std::string_view raw = msh.substr(from,
                                                sep == std::string_view::npos ? std::string_view::npos : sep - from);
        auto first = [&](std::string_view v) {
            v = v.substr(0, v.find(d.repetition));
            return std::string(v.substr(0, v.find(d.component)));
        };
        if (field == 3) h.sendingApplication = first(raw);
        if (field == 18) h.charset = first(raw);
        if (sep == std::string_view::npos || field == 18) break;
        from = sep + 1;
        ++field;
    }
    return h;
}

Decoded decodeMessage(std::string_view bytes, Charset fallback) {
    const RawHeader raw = readRawHeader(bytes);
    Charset cs = fallback;
    if (!raw.charset.empty() && raw.charset != "\"\"") {
        const auto named = charsetNamed(raw.charset);
        if (!named) throw AppError(Err::BadRequest, "MSH-18 names a character set not supported", "MSH-18");
        cs = *named;
    }
    Decoded d{toUtf8(bytes, cs), cs};
    // Converted, MSH-18 must read the same: otherwise a multi-byte character
    // before it held a delimiter byte and the raw reading was wrong.
    if (cs != Charset::Utf8 && readRawHeader(d.utf8).charset != raw.charset)
        throw AppError(Err::BadRequest, "MSH-18 reads differently once converted", "MSH-18");
    return d;
}

}  // namespace medbox::hisbridge::hl7
