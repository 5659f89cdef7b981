#pragma once
// Character sets of the hospital's systems: UTF-8 unless a message or its
// sender's configuration says otherwise; GB18030 and GBK, which Chinese HIS
// products still send, through glibc's iconv (not a table of our own). Used
// by both protocols: HL7 (hl7/Charset.h adds MSH-18) and the HIS socket
// interface (his/Envelope.h, a per-partner setting).
#include <optional>
#include <string>
#include <string_view>

namespace medbox::hisbridge::text {

enum class Charset { Utf8, Gb18030, Gbk };

// MSH-18's value ("UNICODE UTF-8", "GB 18030-2000", "GBK", "ASCII"...) or a
// configuration value ("UTF-8", "GB18030", "GBK"), case-insensitive; nullopt
// for one we do not know.
std::optional<Charset> charsetNamed(std::string_view name);
// "UTF-8", "GB18030", "GBK": the configuration's spelling, for logs and rows.
std::string_view charsetName(Charset cs);

// Bytes in cs to UTF-8 (UTF-8 is only checked). Throws AppError BadRequest
// naming `field` for bytes that are not valid in cs.
std::string toUtf8(std::string_view bytes, Charset cs, const std::string& field);
// UTF-8 to cs; throws AppError Internal for a character cs cannot hold.
std::string fromUtf8(std::string_view utf8, Charset cs);
// Whether s is well-formed UTF-8 (no overlong forms, surrogates or code points beyond U+10FFFF).
bool validUtf8(std::string_view s);

}  // namespace medbox::hisbridge::text
