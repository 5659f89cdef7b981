#pragma once
// Poco JSON objects and arrays to text, several times faster than their own
// stringify(), which goes through an ostream and a type switch per value
// (answers, outbox payloads and audit details are written on every request;
// docs/benchmarks.md). Keys keep the object's order (JSON_PRESERVE_KEY_ORDER);
// non-ASCII text is written as UTF-8; a value of a type not handled here is
// written by Poco's own Stringifier, so the output is always valid JSON.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <cstdint>
#include <string>
#include <string_view>

namespace medbox::json {

std::string text(const Poco::JSON::Object::Ptr& obj);
std::string text(const Poco::JSON::Array::Ptr& arr);
// Appends s as a JSON string literal (quotes included).
void appendString(std::string& out, std::string_view s);

// Writes one JSON object straight to text, member by member in call order,
// for what is written on every request (an outbox payload, an audit detail),
// where building a Poco object first cost more than the text itself.
//   std::string t = json::ObjectWriter().number("id", 7).string("name", n).done();
// done() closes the object and hands the text over: it is the last call.
class ObjectWriter {
public:
    ObjectWriter() {
        out_.reserve(256);
        out_ += '{';
    }
    ObjectWriter& string(std::string_view key, std::string_view value);
    ObjectWriter& number(std::string_view key, int64_t value);
    ObjectWriter& boolean(std::string_view key, bool value);
    ObjectWriter& null(std::string_view key);
    ObjectWriter& raw(std::string_view key, std::string_view json);  // json: valid JSON text, e.g. a nested object
    std::string done();

private:
    void key(std::string_view k);
    std::string out_;
};

}  // namespace medbox::json
