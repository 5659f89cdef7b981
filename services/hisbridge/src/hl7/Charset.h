#pragma once
// Character sets of HL7 messages (MSH-18, HL7 table 0211): UTF-8 unless the
// message or its sender's configuration says otherwise; GB18030 and GBK,
// which Chinese HIS products still send, through glibc's iconv (not a table
// of our own). A message is converted to UTF-8 before it is parsed: in GBK
// a character's second byte may be '|', '^', '\' or '~', so splitting the
// raw bytes on the delimiters would cut characters in half. docs/hl7.md.
#include <optional>
#include <string>
#include <string_view>

namespace medbox::hisbridge::hl7 {

enum class Charset { Utf8, Gb18030, Gbk };

// MSH-18's value ("UNICODE UTF-8", "GB 18030-2000", "GBK", "ASCII"...) or a
// configuration value ("UTF-8", "GB18030", "GBK"), case-insensitive; nullopt
// for one we do not know.
std::optional<Charset> charsetNamed(std::string_view name);
// The name written in MSH-18 of our own messages.
std::string_view msh18Name(Charset cs);

// Bytes in cs to UTF-8 (UTF-8 is only checked). Throws AppError BadRequest
// (field MSH-18) for bytes that are not valid in cs.
std::string toUtf8(std::string_view bytes, Charset cs);
// UTF-8 to cs; throws AppError Internal for a character cs cannot hold.
std::string fromUtf8(std::string_view utf8, Charset cs);

// A raw message's MSH-3 (first component) and MSH-18 (first repetition and
// component), read from the raw bytes before any conversion: the fields up
// to MSH-18 are ASCII in practice; the caller checks MSH-18 again once the
// message is converted. Throws like readDelimiters().
struct RawHeader {
    std::string sendingApplication;
    std::string charset;
};
RawHeader readRawHeader(std::string_view bytes);

struct Decoded {
    std::string utf8;
    Charset charset;
};
// The message in UTF-8: MSH-18 when present (an unknown one is AppError
// BadRequest, field MSH-18), else fallback (the sender's configured charset).
Decoded decodeMessage(std::string_view bytes, Charset fallback);

}  // namespace medbox::hisbridge::hl7
