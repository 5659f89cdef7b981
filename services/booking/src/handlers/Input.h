#pragma once
// Request-parsing helpers shared by the handlers. Every failure throws
// AppError naming the field, before anything is written.
#include "domain/BookingEnv.h"
#include "core/http/Request.h"
#include <optional>
#include <string>

namespace medbox::booking::input {

// The audit actor and channel of the authenticated caller.
Caller caller(const Request& rq);
// The JSON body, or an empty object when the request has no body (for
// actions whose fields are all optional).
JsonBody optionalBody(Request& rq);
// The {room} path parameter (NotFound when it cannot be a room code).
std::string room(const Request& rq);
// Query parameters.
std::optional<std::string> date(const Request& rq, const std::string& name);
std::optional<int64_t> id(const Request& rq, const std::string& name);
bool flag(const Request& rq, const std::string& name);
// Optional free text: trimmed, no control characters, at most maxChars bytes.
std::string text(const JsonBody& b, const std::string& field, size_t maxLen);
std::string requiredText(const JsonBody& b, const std::string& field, size_t maxLen);

}  // namespace medbox::booking::input
