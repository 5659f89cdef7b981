#include "handlers/Views.h"

#include "core/http/StaffSession.h"

#include "core/error/AppError.h"
#include "core/http/Router.h"
#include "core/log/Mask.h"
#include "core/time/IsoTime.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace medbox::console::views {

namespace {
Poco::Dynamic::Var optTime(const std::optional<int64_t>& ms) {
    return ms ? Poco::Dynamic::Var(isoUtc(*ms)) : Poco::Dynamic::Var();
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
    o->set("createdAt", isoUtc(u.createdAtMs));
    o->set("updatedAt", isoUtc(u.updatedAtMs));
    o->set("lastLoginAt", optTime(u.lastLoginAtMs));
    o->set("passwordChangedAt", isoUtc(u.passwordChangedAtMs));
    return o;
}

Poco::JSON::Object::Ptr session(const Session& s, bool cookie) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    if (cookie) {
        // The token went into the HttpOnly cookie: a page's script never
        // holds it, only the CSRF value its changes must carry.
        Principal p;
        p.tokenId = s.tokenId;
        o->set("csrfToken", staff_session::csrfToken(p));
    } else {
        o->set("token", s.token);
        o->set("tokenType", "Bearer");
    }
    o->set("expiresAt", isoUtc(s.expiresAtMs));
    o->set("sessionEndsAt", isoUtc(s.sessionEndsAtMs));
    o->set("roles", array(s.roles));
    o->set("mustChangePassword", s.mustChangePassword);
    return o;
}

Poco::JSON::Object::Ptr staffSession(const StaffSessionView& v) {
    const auto& s = v.row;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", s.id);
    o->set("username", s.username);
    o->set("startedAt", isoUtc(s.startedAtMs));
    o->set("lastUsedAt", isoUtc(s.lastUsedAtMs));
    o->set("expiresAt", isoUtc(s.expiresMs));
    o->set("address", s.address);
    o->set("userAgent", s.userAgent);
    o->set("current", v.current);
    o->set("endedAt", optTime(s.endedAtMs));
    return o;
}

Poco::JSON::Object::Ptr passwordRules(const PasswordRules& r) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    Poco::JSON::Object::Ptr bounds = new Poco::JSON::Object;
    for (const auto& f : password_rules::fields()) {
        o->set(f.name, r.*f.member);
        Poco::JSON::Object::Ptr b = new Poco::JSON::Object;
        b->set("min", f.min);
        b->set("max", f.max);
        bounds->set(f.name, b);
    }
    // The form's input limits come from here, not from a second copy in the page.
    o->set("bounds", bounds);
    return o;
}

Poco::JSON::Array::Ptr strings(const std::vector<std::string>& v) { return array(v); }

void locked(Reply& reply, const LockedError& e, int64_t nowMs) {
    Poco::JSON::Parser parser;
    auto doc = parser.parse(errorJson(e.err(), e.what(), e.field())).extract<Poco::JSON::Object::Ptr>();
    if (auto err = doc->getObject("error")) err->set("lockedUntil", isoUtc(e.untilMs()));
    reply.status(errInfo(Err::Locked).status);
    const int64_t seconds = std::max<int64_t>(1, (e.untilMs() - nowMs + 999) / 1000);
    reply.header("Retry-After", std::to_string(seconds));
    reply.json(doc);
}

}  // namespace medbox::console::views
