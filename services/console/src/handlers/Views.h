#pragma once
// The console's resources as JSON (the API's shapes, docs/console.md).
// Pure functions, shared by the handler files.
#include "domain/Accounts.h"
#include "domain/PasswordRules.h"
#include "domain/StaffSessions.h"
#include "core/http/Request.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace medbox::console::views {

// A user as the API shows it. maskName: list views mask the display name
// (personal data), single-user views show it.
Poco::JSON::Object::Ptr user(const UserView& v, bool maskName);
// cookie: a browser sign-in (the token goes into the staff cookie, the
// answer carries the CSRF value instead).
Poco::JSON::Object::Ptr session(const Session& s, bool cookie = false);
// A staff session (GET /api/v1/sessions).
Poco::JSON::Object::Ptr staffSession(const StaffSessionView& s);
// The password rules and lockout settings, one field each.
Poco::JSON::Object::Ptr passwordRules(const PasswordRules& r);
// A JSON array of strings.
Poco::JSON::Array::Ptr strings(const std::vector<std::string>& v);
// The one error shape for 423 plus "lockedUntil", and Retry-After.
void locked(Reply& reply, const LockedError& e, int64_t nowMs);

}  // namespace medbox::console::views
