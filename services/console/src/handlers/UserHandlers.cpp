#include "handlers/UserHandlers.h"

#include "handlers/Json.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {
constexpr size_t kMaxPasswordBytes = 1024;
constexpr size_t kMaxRoles = 32;
constexpr int64_t kMaxPage = 500;
}  // namespace

void UserHandlers::list(Request& req, Reply& reply) {
    const int64_t after = req.queryInt("after", 0, INT64_MAX).value_or(0);
    const int64_t limit = req.queryInt("limit", 1, kMaxPage).value_or(100);
    const auto users = accounts_.list(after, static_cast<int>(limit));
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& u : users) arr->add(json::user(u, true));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("users", arr);
    // A full page may have more behind it: the client asks again with after=nextAfter.
    o->set("nextAfter", static_cast<int64_t>(users.size()) == limit ? Poco::Dynamic::Var(users.back().user.id)
                                                                     : Poco::Dynamic::Var());
    reply.json(o);
}

void UserHandlers::get(Request& req, Reply& reply) {
    reply.json(json::user(accounts_.get(req.idParam("id")), false));
}

void UserHandlers::create(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"username", "displayName", "password", "roles", "enabled", "mustChangePassword"});
    NewUser u;
    u.username = body.str("username", 64);
    u.displayName = body.str("displayName", 256);
    u.password = body.str("password", kMaxPasswordBytes);
    u.roles = json::strings(body, "roles", kMaxRoles, 64);
    u.enabled = body.optBoolean("enabled").value_or(true);
    u.mustChangePassword = body.optBoolean("mustChangePassword").value_or(true);
    const auto created = accounts_.create(req.actor(), u);
    reply.status(201);
    reply.header("Location", "/api/v1/users/" + std::to_string(created.user.id));
    reply.json(json::user(created, false));
}

void UserHandlers::update(Request& req, Reply& reply) {
    const int64_t id = req.idParam("id");
    auto body = req.json();
    body.allowOnly({"displayName", "roles", "enabled", "totpEnabled"});
    UserPatch p;
    p.displayName = body.optStr("displayName", 256);
    if (body.has("roles")) p.roles = json::strings(body, "roles", kMaxRoles, 64);
    p.enabled = body.optBoolean("enabled");
    p.totpEnabled = body.optBoolean("totpEnabled");
    reply.json(json::user(accounts_.update(req.actor(), id, p), false));
}

void UserHandlers::resetPassword(Request& req, Reply& reply) {
    const int64_t id = req.idParam("id");
    auto body = req.json();
    body.allowOnly({"password"});
    const auto pw = body.str("password", kMaxPasswordBytes);
    reply.json(json::user(accounts_.resetPassword(req.actor(), id, pw), false));
}

void UserHandlers::unlock(Request& req, Reply& reply) {
    const int64_t id = req.idParam("id");
    json::noBody(req);
    reply.json(json::user(accounts_.unlock(req.actor(), id), false));
}

}  // namespace medbox::console
