// A staff member's own account and token: /api/v1/auth/* and /api/v1/me.
#include "handlers/Handlers.h"

#include <algorithm>
#include "handlers/Input.h"
#include "handlers/Views.h"
#include "domain/AccountRules.h"
#include "core/error/AppError.h"
#include "core/http/StaffSession.h"

namespace medbox::console {

Handlers::Handlers(ConsoleEnv& env, Metrics& metrics, Accounts& accounts, Revocations& revocations, Units& units,
                   ResourceSamples& samples, PeerStatus& peers, VendorAccess& vendor)
    : env_(env),
      accounts_(accounts),
      revocations_(revocations),
      units_(units),
      samples_(samples),
      peers_(peers),
      vendor_(vendor),
      directory_(env),
      auditReader_(env, peers),
      sessions_(env, revocations),
      loginOk_(metrics.counter("medbox_console_logins_total", "Login attempts by outcome", "outcome=\"ok\"")),
      loginFailed_(metrics.counter("medbox_console_logins_total", "Login attempts by outcome", "outcome=\"failed\"")),
      loginLocked_(metrics.counter("medbox_console_logins_total", "Login attempts by outcome", "outcome=\"locked\"")) {}

const std::string& Handlers::subject(const Request& req) const {
    const auto& p = req.principal();
    // The route's Access admits staff only; this guards a misregistration.
    if (!p || p->kind != Principal::Kind::Staff) throw AppError(Err::Forbidden, "a staff token is required");
    return p->subject;
}

namespace {

// A browser session gets its token in the staff cookie (core/http/StaffSession.h).
ClientInfo client(const Request& req) { return {req.clientAddress(), req.header("User-Agent")}; }

void answerSession(Reply& reply, const Session& s, bool cookie) {
    if (cookie) reply.header("Set-Cookie", staff_session::setCookie(s.token));
    reply.json(views::session(s, cookie));
}

}  // namespace

void Handlers::login(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"username", "password", "totp", "recoveryCode", "session"});
    const auto username = body.str("username", 64);
    const auto password = body.str("password", input::kMaxPasswordBytes);
    const auto code = body.optStr("totp", 16);
    const auto recoveryCode = body.optStr("recoveryCode", 64);
    // "session": "cookie" from the sign-in page; "token" (default) for API clients.
    const auto kind = body.optStr("session", 16).value_or("token");
    if (kind != "token" && kind != "cookie")
        throw AppError(Err::InvalidField, "must be \"token\" or \"cookie\"", "session");
    try {
        const auto s = accounts_.login(username, password, code, recoveryCode);
        // Checked once the password is right: outside a window a vendor
        // learns nothing it could not by a wrong password.
        if (std::find(s.roles.begin(), s.roles.end(), "vendor") != s.roles.end())
            vendor_.admitSignIn(rules::asciiLower(username), s.tokenId, s.expiresAtMs);
        loginOk_.inc();
        sessions_.started(rules::asciiLower(username), s, client(req));
        answerSession(reply, s, kind == "cookie");
    } catch (const LockedError& e) {
        loginLocked_.inc();
        views::locked(reply, e, env_.now());
    } catch (const AppError&) {
        loginFailed_.inc();
        throw;
    }
}

void Handlers::refresh(Request& req, Reply& reply) {
    input::noBody(req);
    const auto& p = *req.principal();
    const auto& name = subject(req);
    const auto s = accounts_.refresh(name, p.authTimeMs > 0 ? p.authTimeMs : p.issuedAtMs);
    sessions_.continued(name, p.tokenId, s, client(req));
    answerSession(reply, s, req.viaCookie());
}

void Handlers::changePassword(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"oldPassword", "newPassword"});
    const auto oldPassword = body.str("oldPassword", input::kMaxPasswordBytes);
    const auto newPassword = body.str("newPassword", input::kMaxPasswordBytes);
    try {
        const auto s = accounts_.changePassword(subject(req), oldPassword, newPassword);
        sessions_.continued(subject(req), req.principal()->tokenId, s, client(req));
        answerSession(reply, s, req.viaCookie());
    } catch (const LockedError& e) {
        views::locked(reply, e, env_.now());
    }
}

void Handlers::logout(Request& req, Reply& reply) {
    input::noBody(req);
    subject(req);  // staff only
    revocations_.logout(*req.principal());
    sessions_.loggedOut(req.principal()->tokenId);
    if (req.viaCookie()) reply.header("Set-Cookie", staff_session::clearCookie());
    reply.status(204);
    reply.content("application/json", "");
}

void Handlers::enrollTotp(Request& req, Reply& reply) {
    input::noBody(req);
    const auto e = accounts_.enrollTotp(subject(req));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("secret", e.secret);
    o->set("uri", e.uri);
    o->set("algorithm", "SHA1");
    o->set("digits", 6);
    o->set("period", 30);
    reply.header("Cache-Control", "no-store");
    reply.json(o);
}

void Handlers::confirmTotp(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"code"});
    const auto code = body.str("code", 16);
    const auto codes = accounts_.confirmTotp(subject(req), code);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("totpEnabled", true);
    o->set("recoveryCodes", views::strings(codes));
    reply.header("Cache-Control", "no-store");
    reply.json(o);
}

void Handlers::newRecoveryCodes(Request& req, Reply& reply) {
    input::noBody(req);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("recoveryCodes", views::strings(accounts_.newRecoveryCodes(subject(req))));
    reply.header("Cache-Control", "no-store");
    reply.json(o);
}

void Handlers::me(Request& req, Reply& reply) { reply.json(views::user(accounts_.me(subject(req)), false)); }

}  // namespace medbox::console
