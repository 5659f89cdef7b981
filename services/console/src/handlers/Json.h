#pragma once
// Rendering of the console's resources as JSON and the few body-parsing
// helpers JsonBody does not have. Shared by the handler files.
#include "domain/Accounts.h"
#include "http/JsonBody.h"
#include "http/Request.h"
#include <Poco/JSON/Object.h>
#include <string>
#include <vector>

namespace medbox::console::json {

// A user as the API shows it. maskName: list views mask the display name
// (personal data), single-user views show it.
Poco::JSON::Object::Ptr user(const UserView& v, bool maskName);
Poco::JSON::Object::Ptr session(const Session& s);
// The one error shape for 423 plus "lockedUntil", and Retry-After.
void locked(Reply& reply, const LockedError& e, int64_t nowMs);

// An array of strings (each non-empty, at most maxLen bytes), or InvalidField
// naming the element.
std::vector<std::string> strings(const JsonBody& body, const std::string& field, size_t maxItems, size_t maxLen);
// For endpoints that take no body: an empty body is fine, a JSON object with
// any field is UnknownField, anything else the usual 400/415.
void noBody(Request& req);

}  // namespace medbox::console::json
