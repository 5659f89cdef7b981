#include "core/http/RequestHead.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace medbox::http1 {

namespace {

// RFC 9110, 5.6.2: the characters of a token (method, field name, coding).
bool isTchar(unsigned char c) {
    if (std::isalnum(c)) return true;
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~': return true;
        default: return false;
    }
}

bool isToken(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return isTchar(static_cast<unsigned char>(c)); });
}

bool isWs(char c) { return c == ' ' || c == '\t'; }

// field-value characters: VCHAR, obs-text, SP, HTAB (RFC 9110, 5.5). No
// NUL, CR, LF or other control character.
bool isFieldChar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

std::string_view trim(std::string_view s) {
    while (!s.empty() && isWs(s.front())) s.remove_prefix(1);
    while (!s.empty() && isWs(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Calls f(element) for each non-empty element of a comma-separated list
// (RFC 9110, 5.6.1), elements trimmed of optional whitespace.
template <class F>
void eachListElement(std::string_view list, F&& f) {
    while (true) {
        size_t comma = list.find(',');
        std::string_view e = trim(list.substr(0, comma));
        if (!e.empty()) f(e);
        if (comma == std::string_view::npos) return;
        list.remove_prefix(comma + 1);
    }
}

// Where the line that starts at `pos` ends: the index of its CR (the line
// is in[pos, end)), npos when incomplete; false when it breaks the rules
// (bare LF, CR not followed by LF).
bool findLineEnd(std::string_view in, size_t pos, size_t* end) {
    for (size_t i = pos; i < in.size(); ++i) {
        if (in[i] == '\n') return false;  // LF without CR
        if (in[i] == '\r') {
            if (i + 1 == in.size()) break;
            if (in[i + 1] != '\n') return false;
            *end = i;
            return true;
        }
    }
    *end = std::string_view::npos;
    return true;
}

std::optional<Refusal> parseField(std::string_view line, Field* out) {
    if (isWs(line.front())) return Refusal{Err::BadRequest, "obsolete line folding is not accepted"};
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Refusal{Err::BadRequest, "header line without a colon"};
    std::string_view name = line.substr(0, colon);
    if (!name.empty() && isWs(name.back()))
        return Refusal{Err::BadRequest, "whitespace between a header name and its colon"};
    if (!isToken(name)) return Refusal{Err::BadRequest, "malformed header name"};
    std::string_view value = trim(line.substr(colon + 1));
    for (char c : value)
        if (!isFieldChar(static_cast<unsigned char>(c)))
            return Refusal{Err::BadRequest, "control character in a header value"};
    out->name.assign(name);
    out->value.assign(value);
    return std::nullopt;
}

// RFC 9112, 3.2: origin-form, asterisk-form (OPTIONS) or absolute-form
// (reduced to its path and query). CONNECT's authority-form is not served.
std::optional<Refusal> normaliseTarget(const std::string& method, std::string* target) {
    for (char c : *target)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return Refusal{Err::BadRequest, "malformed request target"};
    if ((*target)[0] == '/') return std::nullopt;
    if (*target == "*") {
        if (method == "OPTIONS") return std::nullopt;
        return Refusal{Err::BadRequest, "'*' is a target for OPTIONS only"};
    }
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target->size() > scheme.size() && iequals(std::string_view(*target).substr(0, scheme.size()), scheme)) {
            size_t path = target->find_first_of("/?", scheme.size());
            if (path == scheme.size()) return Refusal{Err::BadRequest, "malformed request target"};
            *target = path == std::string::npos ? "/"
                      : (*target)[path] == '?'  ? "/" + target->substr(path)
                                                : target->substr(path);
            return std::nullopt;
        }
    }
    return Refusal{Err::BadRequest, "malformed request target"};
}

std::optional<Refusal> parseRequestLine(std::string_view line, RequestHead* h) {
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return Refusal{Err::BadRequest,
                       "malformed request line (expected: method, target and version separated by single spaces)"};
    std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (!isToken(method)) return Refusal{Err::BadRequest, "malformed request method"};
    if (target.empty()) return Refusal{Err::BadRequest, "malformed request target"};
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" ||
        !std::isdigit(static_cast<unsigned char>(version[5])) || version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(version[7])))
        return Refusal{Err::BadRequest, "malformed HTTP version"};
    if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
        return Refusal{Err::VersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served"};
    h->method.assign(method);
    h->target.assign(target);
    h->minorVersion = version[7] - '0';
    return normaliseTarget(h->method, &h->target);
}

// Content-Length: digits only; a list or repeated field must say one value.
std::optional<Refusal> addContentLength(std::string_view value, bool* seen, uint64_t* length) {
    std::optional<Refusal> bad;
    bool any = false;
    eachListElement(value, [&](std::string_view e) {
        any = true;
        if (bad) return;
        if (e.size() > 15 || !std::all_of(e.begin(), e.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            bad = Refusal{Err::BadRequest, "malformed Content-Length"};
            return;
        }
        uint64_t n = 0;
        for (char c : e) n = n * 10 + static_cast<uint64_t>(c - '0');
        if (*seen && n != *length) bad = Refusal{Err::BadRequest, "several different Content-Length values"};
        *seen = true;
        *length = n;
    });
    if (!any && !bad) bad = Refusal{Err::BadRequest, "malformed Content-Length"};
    return bad;
}

// The framing of the body and the connection's fate, from the fields
// (RFC 9112, 6 and 9.3).
std::optional<Refusal> frame(RequestHead* h) {
    int hosts = 0;
    bool hasLength = false, hasCoding = false, close = false, keepAliveToken = false;
    std::vector<std::string_view> codings;
    for (const Field& f : h->fields) {
        if (iequals(f.name, "Host")) {
            ++hosts;
        } else if (iequals(f.name, "Content-Length")) {
            if (auto r = addContentLength(f.value, &hasLength, &h->contentLength)) return r;
        } else if (iequals(f.name, "Transfer-Encoding")) {
            hasCoding = true;
            eachListElement(f.value, [&](std::string_view e) { codings.push_back(e); });
        } else if (iequals(f.name, "Connection")) {
            eachListElement(f.value, [&](std::string_view e) {
                if (iequals(e, "close")) close = true;
                if (iequals(e, "keep-alive")) keepAliveToken = true;
            });
        } else if (iequals(f.name, "Expect")) {
            if (!iequals(f.value, "100-continue"))
                return Refusal{Err::ExpectationFailed, "the only expectation served is 100-continue"};
            h->expectContinue = h->minorVersion == 1;
        }
    }
    if (hosts > 1) return Refusal{Err::BadRequest, "more than one Host header"};
    if (hosts == 0 && h->minorVersion == 1) return Refusal{Err::BadRequest, "an HTTP/1.1 request needs a Host header"};
    if (hasCoding) {
        if (hasLength) return Refusal{Err::BadRequest, "Transfer-Encoding and Content-Length together"};
        if (h->minorVersion == 0) return Refusal{Err::BadRequest, "Transfer-Encoding in an HTTP/1.0 request"};
        if (codings.empty() || !iequals(codings.back(), "chunked"))
            return Refusal{Err::BadRequest, "chunked must be the final transfer coding"};
        if (codings.size() > 1) return Refusal{Err::NotImplemented, "the only transfer coding served is chunked"};
        h->body = RequestHead::Body::Chunked;
    } else if (hasLength && h->contentLength > 0) {
        h->body = RequestHead::Body::Length;
    }
    h->keepAlive = h->minorVersion == 1 ? !close : (keepAliveToken && !close);
    return std::nullopt;
}

}  // namespace

const std::string* RequestHead::find(std::string_view name) const {
    for (const Field& f : fields)
        if (iequals(f.name, name)) return &f.value;
    return nullptr;
}

HeadResult parseHead(std::string_view in, const Limits& limits) {
    HeadResult r;
    auto refuse = [&r](Err err, std::string message) {
        r.state = HeadResult::State::Refused;
        r.refusal = {err, std::move(message)};
        return r;
    };
    size_t pos = 0;
    // A client may send an empty line before a request (RFC 9112, 2.2).
    while (in.substr(pos, 2) == "\r\n" && pos < limits.maxRequestLine) pos += 2;
    size_t end = 0;
    if (!findLineEnd(in, pos, &end)) return refuse(Err::BadRequest, "lines must end with CRLF");
    if (end == std::string_view::npos) {
        if (in.size() - pos > limits.maxRequestLine) return refuse(Err::UriTooLong, "request line too long");
        return r;
    }
    if (end - pos > limits.maxRequestLine) return refuse(Err::UriTooLong, "request line too long");
    if (end == pos) return refuse(Err::BadRequest, "empty request line");
    if (auto bad = parseRequestLine(in.substr(pos, end - pos), &r.head)) return refuse(bad->err, bad->message);
    pos = end + 2;
    const size_t fieldsStart = pos;
    while (true) {
        if (!findLineEnd(in, pos, &end)) return refuse(Err::BadRequest, "lines must end with CRLF");
        if (end == std::string_view::npos) {
            if (in.size() - fieldsStart > limits.maxHeaderBytes || in.size() - pos > limits.maxFieldBytes)
                return refuse(Err::HeadersTooLarge, "request header fields too large");
            return r;
        }
        if (end - pos > limits.maxFieldBytes || end + 2 - fieldsStart > limits.maxHeaderBytes)
            return refuse(Err::HeadersTooLarge, "request header fields too large");
        if (end == pos) break;
        if (r.head.fields.size() == limits.maxFields)
            return refuse(Err::HeadersTooLarge, "too many request header fields");
        Field f;
        if (auto bad = parseField(in.substr(pos, end - pos), &f)) return refuse(bad->err, bad->message);
        r.head.fields.push_back(std::move(f));
        pos = end + 2;
    }
    if (auto bad = frame(&r.head)) return refuse(bad->err, bad->message);
    r.state = HeadResult::State::Done;
    r.consumed = end + 2;
    return r;
}

namespace {

constexpr size_t kMaxChunkLine = 1024;  // size and extensions
constexpr size_t kMaxTrailerBytes = 8 * 1024;

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ),
// ext-val = token / quoted-string (RFC 9112, 7.1.1).
bool validExtensions(std::string_view s) {
    size_t i = 0;
    auto skipWs = [&] {
        while (i < s.size() && isWs(s[i])) ++i;
    };
    auto token = [&] {
        size_t start = i;
        while (i < s.size() && isTchar(static_cast<unsigned char>(s[i]))) ++i;
        return i > start;
    };
    while (true) {
        skipWs();
        if (i == s.size()) return true;
        if (s[i++] != ';') return false;
        skipWs();
        if (!token()) return false;
        skipWs();
        if (i == s.size() || s[i] != '=') continue;
        ++i;
        skipWs();
        if (i < s.size() && s[i] == '"') {
            for (++i;; ++i) {
                if (i == s.size()) return false;
                unsigned char c = static_cast<unsigned char>(s[i]);
                if (c == '"') break;
                if (c == '\\') {
                    if (++i == s.size() || !isFieldChar(static_cast<unsigned char>(s[i]))) return false;
                } else if (!isFieldChar(c)) {
                    return false;
                }
            }
            ++i;
        } else if (!token()) {
            return false;
        }
    }
}

}  // namespace

ChunkedDecoder::State ChunkedDecoder::refuse(Err err, std::string message) {
    refusal_ = {err, std::move(message)};
    return state_ = State::Refused;
}

ChunkedDecoder::State ChunkedDecoder::feed(std::string_view in, std::string& out, size_t* consumed) {
    size_t i = 0;
    while (state_ == State::NeedMore && i < in.size()) {
        if (step_ == Step::Data) {
            size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - i));
            out.append(in.data() + i, n);
            i += n;
            remaining_ -= n;
            if (remaining_ == 0) step_ = Step::DataEnd;
            continue;
        }
        // Size, DataEnd and Trailer read a line up to its CRLF.
        const char c = in[i++];
        if (c != '\n') {
            if (!line_.empty() && line_.back() == '\r')
                refuse(Err::BadRequest, "lines must end with CRLF");
            else if (step_ == Step::DataEnd && c != '\r')
                refuse(Err::BadRequest, "chunk data longer than its size");
            else if (step_ == Step::Trailer && ++trailerBytes_ > kMaxTrailerBytes)
                refuse(Err::BadRequest, "chunked trailer too large");
            else if (step_ != Step::Trailer && line_.size() >= kMaxChunkLine)
                refuse(Err::BadRequest, "chunk line too long");
            else
                line_ += c;
            continue;
        }
        if (line_.empty() || line_.back() != '\r') {
            refuse(Err::BadRequest, "lines must end with CRLF");
            break;
        }
        line_.pop_back();
        endLine(out);
        line_.clear();
    }
    *consumed = i;
    return state_;
}

// A complete line (without its CRLF) in line_.
void ChunkedDecoder::endLine(const std::string& out) {
    if (step_ == Step::DataEnd) {
        step_ = Step::Size;
    } else if (step_ == Step::Size) {
        size_t digits = 0;
        uint64_t size = 0;
        while (digits < line_.size() && hexValue(line_[digits]) >= 0 && digits < 16)
            size = size * 16 + static_cast<uint64_t>(hexValue(line_[digits++]));
        if (digits == 0)
            refuse(Err::BadRequest, "malformed chunk size");
        else if (digits < line_.size() && hexValue(line_[digits]) >= 0)
            refuse(Err::PayloadTooLarge, "chunk size too large");
        else if (!validExtensions(std::string_view(line_).substr(digits)))
            refuse(Err::BadRequest, "malformed chunk extension");
        else if (size > maxBody_ - std::min(maxBody_, out.size()))
            refuse(Err::PayloadTooLarge, "request body is larger than " + std::to_string(maxBody_) + " bytes");
        else if (size == 0)
            step_ = Step::Trailer;
        else {
            remaining_ = size;
            step_ = Step::Data;
        }
    } else if (line_.empty()) {
        state_ = State::Done;
    } else {
        Field ignored;
        if (auto bad = parseField(line_, &ignored)) refuse(Err::BadRequest, "malformed trailer: " + bad->message);
    }
}

}  // namespace medbox::http1
