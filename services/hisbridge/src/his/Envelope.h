#pragma once
// The HIS socket interface's wire format (docs/his-protocol.md): a frame of
// eight ASCII digits giving the body's length in bytes, then the body, one
// JSON object in the partner's character set. A request is
//   {"version":1,"txn":"T104","requestId":"...","sentAt":"...","data":{...}}
// and its answer
//   {"version":1,"txn":"T104","requestId":"...","code":"0000","message":"ok","data":{...}}.
// Decoding refuses with HisError carrying the answer code the peer gets:
// 1001 malformed (charset, JSON), 1002 unknown txn or version, 1003 an
// envelope field missing or invalid. Stateless; any thread.
#include "core/net/Framer.h"
#include "text/Charset.h"
#include <memory>
#include <Poco/JSON/Object.h>
#include <stdexcept>
#include <string>
#include <string_view>

namespace medbox::hisbridge::his {

using text::Charset;

// Answer codes (docs/his-protocol.md, "Answer codes").
namespace code {
inline const std::string kOk = "0000";
inline const std::string kMalformed = "1001";  // framing, charset, JSON
inline const std::string kUnknown = "1002";    // txn or version
inline const std::string kInvalid = "1003";    // a field missing or invalid; message names it
inline const std::string kSlotTaken = "2001";  // business refusals: 2xxx
inline const std::string kPatientUnknown = "2002";
inline const std::string kStopClinic = "2003";
inline const std::string kBusy = "9001";  // retry later: 9xxx
inline const std::string kDatabase = "9002";
inline const std::string kTimeout = "9003";
}  // namespace code

// "0000"-"9999".
bool isAnswerCode(std::string_view c);

constexpr size_t kHeaderDigits = 8;
constexpr int kVersion = 1;
constexpr size_t kMaxRequestIdChars = 64;

// A refusal with the code the peer is answered; field names the JSON path for 1003.
class HisError : public std::runtime_error {
public:
    HisError(std::string code, std::string message, std::string field = {})
        : std::runtime_error(std::move(message)), code_(std::move(code)), field_(std::move(field)) {}
    const std::string& code() const { return code_; }
    const std::string& field() const { return field_; }

private:
    std::string code_;
    std::string field_;
};

struct Request {
    std::string txn;        // "T104"
    std::string requestId;  // unique per sender, 1-64 of [A-Za-z0-9._:-]
    std::string sentAt;     // as the sender wrote it (ISO 8601); may be empty
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
};

struct Answer {
    std::string txn;
    std::string requestId;
    std::string code = code::kOk;
    std::string message = "ok";
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object;
};

// The transaction codes of the interface; txnKnown() is true for these.
// HIS -> medbox: T101..T108; medbox -> HIS: P201..P204.
bool txnKnown(std::string_view txn);
bool txnFromHis(std::string_view txn);

// The listener's framer: LengthPrefixFramer with eight ASCII decimal digits.
std::shared_ptr<const net::Framer> framer();

// Eight zero-padded digits and body. Throws std::invalid_argument for a
// body of 10^8 bytes or more (our own bug: bodies are limited far below).
std::string frame(std::string_view body);

// A request's body (the frame's payload, in cs). Throws HisError: 1001 for
// bytes not valid in cs or text that is not one JSON object; 1002 for a
// version other than 1 or a txn not in the table; 1003 for a missing or
// invalid envelope field or one not in the envelope. The requestId is
// checked before txn and version, so that a refusal can echo it when it
// is readable.
Request decodeRequest(std::string_view body, Charset cs);
// What can be echoed from a body decodeRequest refused: txn and requestId
// when they are readable strings, else empty. Never throws.
Answer echoOf(std::string_view body, Charset cs);

// An answer in cs. A character cs cannot hold is written as a JSON \u
// escape, so encoding never fails.
std::string encodeAnswer(const Answer& a, Charset cs);
std::string encodeRequest(const Request& r, Charset cs);

// An answer's body to the request `sent`. Throws HisError 1001 for a body
// that is not a valid answer or answers another txn or requestId.
Answer decodeAnswer(std::string_view body, Charset cs, const Request& sent);

}  // namespace medbox::hisbridge::his
