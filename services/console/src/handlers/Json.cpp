#include "handlers/Json.h"

#include "http/ApiError.h"
#include "http/Router.h"
#include "log/Mask.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace medbox::console::json {

namespace {
Poco::Dynamic::Var optTime(const std::optional<int64_t>& ms) {
    return ms ? Poco::Dynamic::Var(isoTime(*ms)) : Poco::Dynamic::Var();
}

Poco::JSON::Array::Ptr array(const std::vector<std::string>& v) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& s : v) a->add(s);
    return a;
}
}  // namespace

Poco::JSON::Object::Ptr user(const UserView& v, bool maskName) {
    const auto& u = v.user;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", u.id);
    o->set("username", u.username);
    o->set("displayName", maskName ? mask::name(u.displayName) : u.displayName);
    o->set("roles", array(u.roles));
    o->set("enabled", u.enabled);
    o->set("mustChangePassword", u.mustChangePassword);
    o->set("totpEnabled", u.totpEnabled);
    o->set("locked", v.lockedUntilMs.has_value());
    o->set("lockedUntil", optTime(v.lockedUntilMs));
    o->set("createdAt", isoTime(u.createdAtMs));
    o->set("updatedAt", isoTime(u.updatedAtMs));
    o->set("lastLoginAt", optTime(u.lastLoginAtMs));
    o->set("passwordChangedAt", isoTime(u.passwordChangedAtMs));
    return o;
}

Poco::JSON::Object::Ptr session(const Session& s) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("token", s.token);
    o->set("tokenType", "Bearer");
    o->set("expiresAt", isoTime(s.expiresAtMs));
    o->set("roles", array(s.roles));
    o->set("mustChangePassword", s.mustChangePassword);
    return o;
}

void locked(Reply& reply, const LockedError& e, int64_t nowMs) {
    Poco::JSON::Parser parser;
    auto doc = parser.parse(errorJson(e.err(), e.what(), e.field())).extract<Poco::JSON::Object::Ptr>();
    if (auto err = doc->getObject("error")) err->set("lockedUntil", isoTime(e.untilMs()));
    reply.status(errInfo(Err::Locked).status);
    const int64_t seconds = std::max<int64_t>(1, (e.untilMs() - nowMs + 999) / 1000);
    reply.header("Retry-After", std::to_string(seconds));
    reply.json(doc);
}

std::vector<std::string> strings(const JsonBody& body, const std::string& field, size_t maxItems, size_t maxLen) {
    auto arr = body.array(field, maxItems);
    std::vector<std::string> out;
    for (size_t i = 0; i < arr->size(); ++i) {
        const auto v = arr->get(static_cast<unsigned>(i));
        const std::string path = body.path(field) + "[" + std::to_string(i) + "]";
        if (!v.isString()) throw ApiError(Err::InvalidField, path + ": must be a string", path);
        auto s = v.extract<std::string>();
        if (s.empty() || s.size() > maxLen) {
            throw ApiError(Err::InvalidField, path + ": 1 to " + std::to_string(maxLen) + " characters", path);
        }
        out.push_back(std::move(s));
    }
    return out;
}

void noBody(Request& req) {
    if (req.body().find_first_not_of(" \t\r\n") == std::string::npos) return;
    req.json().allowOnly({});
}

}  // namespace medbox::console::json
