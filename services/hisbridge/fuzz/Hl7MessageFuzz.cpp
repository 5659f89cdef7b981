// libFuzzer target: the HL7 v2 decoder on any bytes, as the MLLP inbox runs it
// (charset, parse, every leaf, the ACK). What must hold (docs/fuzzing.md):
//   - hostile bytes are only ever refused with AppError, never another
//     exception, a crash or a sanitizer report;
//   - every leaf value escapes and unescapes back to itself;
//   - the ACK of a parsed message parses and echoes its control id.
#include "FuzzInput.h"
#include "hl7/Ack.h"
#include "hl7/Charset.h"
#include "hl7/Escape.h"
#include "hl7/Message.h"
#include <cstdlib>
#include <cstring>

using namespace medbox;
using namespace medbox::hisbridge::hl7;

using medbox::hisbridge::fuzz::charsetOf;
using medbox::hisbridge::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    // The first byte picks the partner's charset, the rest is the message.
    const Charset fallback = charsetOf(data[0]);
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    ParseLimits lim;
    lim.maxBytes = 1 << 16;
    lim.maxSegments = 50;
    lim.maxFieldsPerSegment = 40;
    lim.maxRepetitions = 20;
    lim.maxComponents = 20;
    lim.maxSubcomponents = 10;
    Message m;
    try {
        m = Message::parse(decodeMessage(bytes, fallback).utf8, lim);
    } catch (const AppError&) {
        return 0;
    }
    const Delimiters& d = m.delimiters();
    for (const auto& seg : m.segments()) {
        for (size_t f = 1; f < seg.fields.size(); ++f) {
            const size_t reps = std::max<size_t>(1, m.repetitions(seg, f));
            for (size_t r = 1; r <= reps; ++r)
                for (size_t c = 1; c <= 3; ++c)
                    for (size_t s = 1; s <= 2; ++s) {
                        const Value v = m.value(seg, f, r, c, s);
                        check(v.has() || v.text.empty(), "an empty or null value holds text");
                        if (!(seg.name == "MSH" && f <= 2))
                            check(unescape(escape(v.text, d), d) == v.text, "escape/unescape round trip");
                    }
        }
    }
    const std::string ack = buildAck(&m, std::nullopt, 0, "ACK1");
    Message a;
    try {
        a = Message::parse(ack);
    } catch (const AppError& e) {
        std::fprintf(stderr, "our ACK does not parse: %s\n", e.what());
        std::abort();
    }
    check(a.text("MSA", 2) == m.text("MSH", 10), "the ACK echoes MSH-10");
    check(a.text("MSA", 1) == "AA", "MSA-1");
    return 0;
}
