#include "hl7/Message.h"
#include "hl7/Escape.h"
#include <algorithm>
#include <cctype>

namespace medbox::hisbridge::hl7 {

namespace {

bool isLineEnd(char c) { return c == '\r' || c == '\n'; }

bool validDelimiter(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7E && !std::isalnum(u);
}

bool validSegmentName(std::string_view s) {
    if (s.size() != 3 || !std::isupper(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin() + 1, s.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
    });
}

[[noreturn]] void tooLarge(const std::string& what, size_t limit, const std::string& where) {
    throw AppError(Err::PayloadTooLarge, what + " over the limit of " + std::to_string(limit), where);
}

// Counts repetitions, components and subcomponents of one raw field against the limits.
void checkCounts(std::string_view raw, const Delimiters& d, const ParseLimits& lim, const std::string& where) {
    size_t reps = 1, comps = 1, subs = 1;
    for (char c : raw) {
        if (c == d.repetition) {
            if (++reps > lim.maxRepetitions) tooLarge("repetitions", lim.maxRepetitions, where);
            comps = subs = 1;
        } else if (c == d.component) {
            if (++comps > lim.maxComponents) tooLarge("components", lim.maxComponents, where);
            subs = 1;
        } else if (c == d.subcomponent) {
            if (++subs > lim.maxSubcomponents) tooLarge("subcomponents", lim.maxSubcomponents, where);
        }
    }
}

std::string_view part(const std::vector<std::string_view>& parts, size_t oneBased) {
    return oneBased >= 1 && oneBased <= parts.size() ? parts[oneBased - 1] : std::string_view{};
}

}  // namespace

Delimiters readDelimiters(std::string_view bytes) {
    if (bytes.substr(0, 3) != "MSH") throw AppError(Err::BadRequest, "the message does not start with MSH", "MSH");
    if (bytes.size() < 4 || !validDelimiter(bytes[3]))
        throw AppError(Err::BadRequest, "MSH-1 is not a valid field separator", "MSH-1");
    Delimiters d;
    d.field = bytes[3];
    const auto end = bytes.find(d.field, 4);
    const std::string_view enc = bytes.substr(4, end == std::string_view::npos ? std::string_view::npos : end - 4);
    // v2.5.1 has four encoding characters; v2.7 adds a fifth (truncation), accepted and not used.
    if (enc.size() < 4 || enc.size() > 5 || !std::all_of(enc.begin(), enc.end(), validDelimiter))
        throw AppError(Err::BadRequest, "MSH-2 must hold 4 encoding characters", "MSH-2");
    d.component = enc[0];
    d.repetition = enc[1];
    d.escape = enc[2];
    d.subcomponent = enc[3];
    const std::string all = std::string(1, d.field) + std::string(enc);
    for (size_t i = 0; i < all.size(); ++i)
        if (all.find(all[i], i + 1) != std::string::npos)
            throw AppError(Err::BadRequest, "MSH-1 and MSH-2 repeat a delimiter", "MSH-2");
    return d;
}

Message Message::parse(std::string_view bytes, const ParseLimits& lim) {
    if (bytes.size() > lim.maxBytes) tooLarge("message size", lim.maxBytes, "MSH");
    size_t start = 0;
    while (start < bytes.size() && isLineEnd(bytes[start])) ++start;
    Message m;
    m.delims_ = readDelimiters(bytes.substr(start));
    const Delimiters& d = m.delims_;
    while (start < bytes.size()) {
        size_t end = start;
        while (end < bytes.size() && !isLineEnd(bytes[end])) ++end;
        const std::string_view line = bytes.substr(start, end - start);
        start = end + 1;
        if (line.empty()) continue;  // CRLF, LF LF, a trailing line end
        if (m.segments_.size() >= lim.maxSegments) tooLarge("segments", lim.maxSegments, "MSH");
        const std::string where = "segment " + std::to_string(m.segments_.size() + 1);
        Segment seg;
        seg.name = std::string(line.substr(0, 3));
        if (!validSegmentName(seg.name) || (line.size() > 3 && line[3] != d.field))
            throw AppError(Err::BadRequest, where + " does not start with a segment name", where);
        if (m.segments_.empty() != (seg.name == "MSH"))
            throw AppError(Err::BadRequest,
                           m.segments_.empty() ? "the first segment is not MSH" : where + " is a second MSH", where);
        seg.fields.emplace_back(seg.name);
        std::string_view rest = line.size() > 3 ? line.substr(4) : std::string_view{};
        if (seg.name == "MSH") {
            // MSH-1 is the separator itself; MSH-2 the encoding characters, not split.
            seg.fields.emplace_back(1, d.field);
            const auto sep = rest.find(d.field);
            seg.fields.emplace_back(rest.substr(0, sep));
            rest = sep == std::string_view::npos ? std::string_view{} : rest.substr(sep + 1);
            if (sep == std::string_view::npos) {
                m.segments_.push_back(std::move(seg));
                continue;
            }
        } else if (line.size() == 3) {
            m.segments_.push_back(std::move(seg));
            continue;
        }
        for (;;) {
            if (seg.fields.size() > lim.maxFieldsPerSegment) tooLarge("fields", lim.maxFieldsPerSegment, seg.name);
            const auto sep = rest.find(d.field);
            const std::string_view raw = rest.substr(0, sep);
            checkCounts(raw, d, lim, seg.name + "-" + std::to_string(seg.fields.size()));
            seg.fields.emplace_back(raw);
            if (sep == std::string_view::npos) break;
            rest = rest.substr(sep + 1);
        }
        m.segments_.push_back(std::move(seg));
    }
    return m;
}

const Segment* Message::find(std::string_view name) const {
    for (const auto& s : segments_)
        if (s.name == name) return &s;
    return nullptr;
}

std::vector<const Segment*> Message::all(std::string_view name) const {
    std::vector<const Segment*> out;
    for (const auto& s : segments_)
        if (s.name == name) out.push_back(&s);
    return out;
}

std::vector<std::string_view> Message::split(std::string_view raw, char delimiter) const {
    std::vector<std::string_view> out;
    size_t from = 0;
    for (;;) {
        const auto at = raw.find(delimiter, from);
        out.push_back(raw.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
        if (at == std::string_view::npos) return out;
        from = at + 1;
    }
}

Value Message::value(const Segment& seg, size_t field, size_t rep, size_t comp, size_t sub) const {
    if (field >= seg.fields.size()) return {};
    std::string_view raw = seg.fields[field];
    const bool encodingField = seg.name == "MSH" && field <= 2;  // holds the delimiters themselves
    if (!encodingField) {
        raw = part(split(raw, delims_.repetition), rep);
        raw = part(split(raw, delims_.component), comp);
        raw = part(split(raw, delims_.subcomponent), sub);
    } else if (rep != 1 || comp != 1 || sub != 1) {
        return {};
    }
    if (raw.empty()) return {};
    if (raw == "\"\"") return {Value::Kind::Null, {}};
    return {Value::Kind::Text, encodingField ? std::string(raw) : unescape(raw, delims_)};
}

Value Message::value(std::string_view segment, size_t field, size_t rep, size_t comp, size_t sub) const {
    const Segment* s = find(segment);
    return s ? value(*s, field, rep, comp, sub) : Value{};
}

std::string Message::text(std::string_view segment, size_t field, size_t rep, size_t comp, size_t sub) const {
    return value(segment, field, rep, comp, sub).text;
}

size_t Message::repetitions(const Segment& seg, size_t field) const {
    if (field >= seg.fields.size() || seg.fields[field].empty()) return 0;
    return split(seg.fields[field], delims_.repetition).size();
}

}  // namespace medbox::hisbridge::hl7
