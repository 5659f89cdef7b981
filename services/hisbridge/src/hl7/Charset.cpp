#include "hl7/Charset.h"
#include "core/error/AppError.h"
#include "hl7/Message.h"
#include <algorithm>

namespace medbox::hisbridge::hl7 {

std::string_view msh18Name(Charset cs) {
    switch (cs) {
        case Charset::Utf8: return "UNICODE UTF-8";
        case Charset::Gb18030: return "GB 18030-2000";
        case Charset::Gbk: return "GBK";
    }
    return "UNICODE UTF-8";
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
