#pragma once
// Poco JSON objects and arrays to text, several times faster than their own
// stringify(), which goes through an ostream and a type switch per value
// (answers, outbox payloads and audit details are written on every request;
// docs/benchmarks.md). Keys keep the object's order (JSON_PRESERVE_KEY_ORDER);
// non-ASCII text is written as UTF-8; a value of a type not handled here is
// written by Poco's own Stringifier, so the output is always valid JSON.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <string>

namespace medbox::json {

std::string text(const Poco::JSON::Object::Ptr& obj);
std::string text(const Poco::JSON::Array::Ptr& arr);
// Appends s as a JSON string literal (quotes included).
void appendString(std::string& out, const std::string& s);

}  // namespace medbox::json
