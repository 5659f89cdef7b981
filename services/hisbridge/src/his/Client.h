#pragma once
// medbox's side as a client of the HIS socket interface: one short
// connection per request (connect, send the frame, read one framed answer,
// close), each step bounded by the partner's timeouts. Thread-safe (no state).
#include "his/Envelope.h"
#include <cstdint>
#include <stdexcept>
#include <string>

namespace medbox::hisbridge::his {

struct Endpoint {
    std::string host;
    int port = 0;
    Charset charset = Charset::Utf8;
    int64_t connectTimeoutMs = 3'000;
    int64_t writeTimeoutMs = 5'000;
    int64_t answerTimeoutMs = 15'000;
    size_t maxAnswerBytes = 1 << 20;
};

// No answer that can be read: not connected, timed out, closed mid frame,
// a bad length header, or an answer that is not a valid answer to the
// request (the HIS may or may not have applied it: the sender retries with
// the same requestId).
class TransportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The HIS's answer to r; throws TransportError.
Answer call(const Endpoint& to, const Request& r);

}  // namespace medbox::hisbridge::his
