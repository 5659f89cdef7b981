#pragma once
// The few body-parsing helpers of the console's handlers that JsonBody does
// not have. Pure functions, shared by the handler files.
#include "core/http/JsonBody.h"
#include "core/http/Request.h"
#include <string>
#include <vector>

namespace medbox::console::input {

// Long enough for any passphrase, short enough that scrypt's input hashing
// stays negligible; longer input is refused before any KDF work.
inline constexpr size_t kMaxPasswordBytes = 1024;

// An array of strings (each non-empty, at most maxLen bytes), or InvalidField
// naming the element.
std::vector<std::string> strings(const JsonBody& body, const std::string& field, size_t maxItems, size_t maxLen);
// For endpoints that take no body: an empty body is fine, a JSON object with
// any field is UnknownField, anything else the usual 400/415.
void noBody(Request& req);

}  // namespace medbox::console::input
