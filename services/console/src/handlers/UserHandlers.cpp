// User administration (admin only): /api/v1/users.
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "handlers/Views.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {
constexpr size_t kMaxRoles = 32;
constexpr int64_t kMaxPage = 500;
}  // namespace

void Handlers::listUsers(Request& req, Reply& reply) {
    const int64_t after = req.queryInt("after", 0, INT64_MAX).value_or(0);
    const int64_t limit = req.queryInt("limit", 1, kMaxPage).value_or(100);
    const auto users = accounts_.list(after, static_cast<int>(limit));
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& u : users) arr->add(views::user(u, true));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("users", arr);
    // A full page may have more behind it: the client asks again with after=nextAfter.
    o->set("nextAfter", static_cast<int64_t>(users.size()) == limit ? Poco::Dynamic::Var(users.back().user.id)
                                                                    : Poco::Dynamic::Var());
    reply.json(o);
}

void Handlers::getUser(Request& req, Reply& reply) { reply.json(views::user(accounts_.get(req.idParam("id")), false)); }

void Handlers::createUser(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"username", "displayName", "password", "roles", "enabled", "mustChangePassword"});
    NewUser u;
    u.username = body.str("username", 64);
    u.displayName = body.str("displayName", 256);
    u.password = body.str("password", input::kMaxPasswordBytes);
    u.roles = input::strings(body, "roles", kMaxRoles, 64);
    u.enabled = body.optBoolean("enabled").value_or(true);
    u.mustChangePassword = body.optBoolean("mustChangePassword").value_or(true);
    const auto created = accounts_.create(req.actor(), u);
    reply.status(201);
    reply.header("Location", "/api/v1/users/" + std::to_string(created.user.id));
    reply.json(views::user(created, false));
}

void Handlers::updateUser(Request& req, Reply& reply) {
    const int64_t id = req.idParam("id");
    auto body = req.json();
    body.allowOnly({"displayName", "roles", "enabled", "totpEnabled"});
    UserPatch p;
    p.displayName = body.optStr("displayName", 256);
    if (body.has("roles")) p.roles = input::strings(body, "roles", kMaxRoles, 64);
    p.enabled = body.optBoolean("enabled");
    p.totpEnabled = body.optBoolean("totpEnabled");
    reply.json(views::user(accounts_.update(req.actor(), id, p), false));
}

void Handlers::resetPassword(Request& req, Reply& reply) {
    const int64_t id = req.idParam("id");
    auto body = req.json();
    body.allowOnly({"password"});
    const auto pw = body.str("password", input::kMaxPasswordBytes);
    reply.json(views::user(accounts_.resetPassword(req.actor(), id, pw), false));
}

void Handlers::unlockUser(Request& req, Reply& reply) {
    const int64_t id = req.idParam("id");
    input::noBody(req);
    reply.json(views::user(accounts_.unlock(req.actor(), id), false));
}

}  // namespace medbox::console
