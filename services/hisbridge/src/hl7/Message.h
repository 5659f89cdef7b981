#pragma once
// HL7 v2 messages (v2.5.1 chapter 2, "Message construction rules"): the
// delimiters are read from each message's MSH-1 and MSH-2, never assumed;
// segments, fields, repetitions, components and subcomponents are split on
// them; escape sequences are decoded only in the leaf values a caller asks
// for (Escape.h). A message is UTF-8 by the time it is parsed (Charset.h
// converts it first). Hostile input: every count and size is bounded
// (ParseLimits) and anything out of shape is an AppError, never a crash,
// never a silent cut. docs/hl7.md.
#include "core/error/AppError.h"
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::hisbridge::hl7 {

struct Delimiters {
    char field = '|';
    char component = '^';
    char repetition = '~';
    char escape = '\\';  // 0: the message declared none, no escape sequences
    char subcomponent = '&';
};

struct ParseLimits {
    size_t maxBytes = 1 << 20;  // the whole message (the MLLP listener's frame limit too)
    size_t maxSegments = 5000;
    size_t maxFieldsPerSegment = 300;
    size_t maxRepetitions = 500;    // per field
    size_t maxComponents = 100;     // per repetition
    size_t maxSubcomponents = 100;  // per component
};

// A leaf value: absent or empty (nothing was sent: "keep what you have"),
// null ("" was sent: "delete what you have", v2.5.1 2.5.3), or a value.
struct Value {
    enum class Kind { Empty, Null, Text };
    Kind kind = Kind::Empty;
    std::string text;  // decoded (escape sequences resolved); empty unless Text

    bool empty() const { return kind == Kind::Empty; }
    bool null() const { return kind == Kind::Null; }
    bool has() const { return kind == Kind::Text; }
};

// One segment: fields[0] is its name; for MSH, fields[1] is MSH-1 (the field
// separator itself) and fields[2] MSH-2 (the encoding characters), so that
// fields[n] is always field n as the standard numbers it. Fields are kept as
// received (escaped); the accessors split and decode.
struct Segment {
    std::string name;
    std::vector<std::string> fields;
};

class Message {
public:
    const Delimiters& delimiters() const { return delims_; }
    const std::vector<Segment>& segments() const { return segments_; }

    // The first segment with this name, or null.
    const Segment* find(std::string_view name) const;
    // All segments with this name, in order.
    std::vector<const Segment*> all(std::string_view name) const;

    // A leaf of a segment: field n (1-based, as in "PID-3"), repetition r,
    // component c, subcomponent s (all 1-based). Out of range is Empty.
    Value value(const Segment& seg, size_t field, size_t rep = 1, size_t comp = 1, size_t sub = 1) const;
    // Shorthand on the first segment named `segment` (Empty if none).
    Value value(std::string_view segment, size_t field, size_t rep = 1, size_t comp = 1, size_t sub = 1) const;
    // value().text, "" for Empty and Null.
    std::string text(std::string_view segment, size_t field, size_t rep = 1, size_t comp = 1, size_t sub = 1) const;
    // Number of repetitions of field n of seg (0 when the field is empty).
    size_t repetitions(const Segment& seg, size_t field) const;

    // Splits a raw field (as stored in Segment::fields) into its parts.
    std::vector<std::string_view> split(std::string_view raw, char delimiter) const;

    // Parses a message (UTF-8, segments separated by CR; CRLF and LF are
    // accepted too, docs/hl7.md). Throws AppError: BadRequest (field "MSH")
    // for a message that does not start with a valid MSH, PayloadTooLarge for
    // one beyond a limit.
    static Message parse(std::string_view bytes, const ParseLimits& limits = {});

private:
    Delimiters delims_;
    std::vector<Segment> segments_;
};

// Reads MSH-1/MSH-2 at the start of bytes (which must start with "MSH").
// Throws AppError BadRequest naming MSH-1 or MSH-2 for invalid ones: the
// separators must be distinct, printable ASCII punctuation and not a letter,
// digit, space or line end.
Delimiters readDelimiters(std::string_view bytes);

}  // namespace medbox::hisbridge::hl7
