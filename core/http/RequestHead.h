#pragma once
// Strict HTTP/1.1 request framing (RFC 9112): the request line, the header
// section and how long the body is. Every byte comes from the network, so
// the parser accepts only what the grammar allows -- no bare LF, no obsolete
// line folding, no whitespace before a colon, no Transfer-Encoding beside a
// Content-Length, no two different lengths -- and returns a result instead of
// throwing. Anything it lets through is framed exactly one way, so a proxy in
// front of a service and the service cannot disagree on where a request ends
// (request smuggling). Pure functions, no I/O: the server feeds them bytes;
// fuzzed by core/http/fuzz/RequestParserFuzz.cpp.
#include "core/error/ErrorCodes.h"
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::http1 {

struct Limits {
    size_t maxRequestLine = 8 * 1024;   // longer: 414
    size_t maxHeaderBytes = 16 * 1024;  // the whole header section; longer: 431
    size_t maxFieldBytes = 8 * 1024;    // one field line; longer: 431
    size_t maxFields = 100;             // more: 431
};

// Why a request was refused: a kind from the one table (its HTTP status is
// the answer's) and a message for the client. The connection is always
// closed after such an answer.
struct Refusal {
    Err err = Err::BadRequest;
    std::string message;
    int status() const { return errInfo(err).status; }
};

struct Field {
    std::string name;   // as sent (compare case-insensitively)
    std::string value;  // without the surrounding optional whitespace
};

struct RequestHead {
    enum class Body { None, Length, Chunked };

    std::string method;
    std::string target;    // origin-form ("/path?query") or "*"
    int minorVersion = 1;  // HTTP/1.<minor>: 0 or 1
    std::vector<Field> fields;
    Body body = Body::None;
    uint64_t contentLength = 0;  // Body::Length only
    bool keepAlive = true;       // after the answer, per Connection and version
    bool expectContinue = false;

    // The value of the first field of that name, or nullptr.
    const std::string* find(std::string_view name) const;
};

struct HeadResult {
    enum class State { NeedMore, Done, Refused };
    State state = State::NeedMore;
    size_t consumed = 0;  // Done: bytes of the head, including its empty line
    RequestHead head;     // Done only
    Refusal refusal;      // Refused only
};

// Parses a request head from the start of `in`. NeedMore: `in` is a valid
// beginning and the head is not complete yet (the caller reads more, and
// calls again with all bytes so far). Refused: no byte sequence that
// starts with `in` is an acceptable request.
HeadResult parseHead(std::string_view in, const Limits& limits = {});

// Incremental decoder of a chunked body (RFC 9112, 7.1). Feed it the bytes
// after the head, in as many pieces as they arrive; it appends chunk data to
// `out` and stops at the end of the trailer section. Chunk extensions and
// trailer fields are checked against the grammar and then ignored.
class ChunkedDecoder {
public:
    enum class State { NeedMore, Done, Refused };

    explicit ChunkedDecoder(size_t maxBody) : maxBody_(maxBody) {}
    // Consumes a prefix of `in` (*consumed bytes). At Done the rest of `in`
    // belongs to the next request.
    State feed(std::string_view in, std::string& out, size_t* consumed);
    const Refusal& refusal() const { return refusal_; }

private:
    enum class Step { Size, Data, DataEnd, Trailer };
    State refuse(Err err, std::string message);
    void endLine(const std::string& out);
    size_t maxBody_;
    Step step_ = Step::Size;
    uint64_t remaining_ = 0;  // of the current chunk's data
    size_t trailerBytes_ = 0;
    std::string line_;  // a size or trailer line split across feeds
    Refusal refusal_;
    State state_ = State::NeedMore;
};

}  // namespace medbox::http1
