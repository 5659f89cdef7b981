#pragma once
// Character sets of HL7 messages (MSH-18, HL7 table 0211), on top of the
// shared conversions in text/Charset.h. A message is converted to UTF-8
// before it is parsed: in GBK a character's second byte may be '|', '^',
// '\' or '~', so splitting the raw bytes on the delimiters would cut
// characters in half. docs/hl7.md.
#include "text/Charset.h"
#include <string>
#include <string_view>

namespace medbox::hisbridge::hl7 {

using text::Charset;
using text::charsetNamed;

// The name written in MSH-18 of our own messages.
std::string_view msh18Name(Charset cs);

// Bytes in cs to UTF-8; AppError BadRequest at MSH-18 for bytes not valid in cs.
inline std::string toUtf8(std::string_view bytes, Charset cs) { return text::toUtf8(bytes, cs, "MSH-18"); }
using text::fromUtf8;

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
