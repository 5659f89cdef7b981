#include "handlers/AuthHandlers.h"

#include "handlers/Json.h"
#include "http/ApiError.h"

namespace medbox::console {

namespace {
// Long enough for any passphrase, short enough that scrypt's input hashing
// stays negligible; longer input is refused before any KDF work.
constexpr size_t kMaxPasswordBytes = 1024;
}

AuthHandlers::AuthHandlers(ServiceContext& ctx, Accounts& accounts, Revocations& revocations)
    : ctx_(ctx),
      accounts_(accounts),
      revocations_(revocations),
      loginOk_(ctx.metrics.counter("medbox_console_logins_total", "Login attempts by outcome", "outcome=\"ok\"")),
      loginFailed_(ctx.metrics.counter("medbox_console_logins_total", "Login attempts by outcome", "outcome=\"failed\"")),
      loginLocked_(ctx.metrics.counter("medbox_console_logins_total", "Login attempts by outcome", "outcome=\"locked\"")) {}

const std::string& AuthHandlers::subject(const Request& req) const {
    const auto& p = req.principal();
    // The route's Access admits staff only; this guards a misregistration.
    if (!p || p->kind != Principal::Kind::Staff) throw ApiError(Err::Forbidden, "a staff token is required");
    return p->subject;
}

void AuthHandlers::login(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"username", "password", "totp"});
    const auto username = body.str("username", 64);
    const auto password = body.str("password", kMaxPasswordBytes);
    const auto code = body.optStr("totp", 16);
    try {
        const auto s = accounts_.login(username, password, code);
        loginOk_.inc();
        reply.json(json::session(s));
    } catch (const LockedError& e) {
        loginLocked_.inc();
        json::locked(reply, e, ctx_.clock.nowMs());
    } catch (const ApiError&) {
        loginFailed_.inc();
        throw;
    }
}

void AuthHandlers::refresh(Request& req, Reply& reply) {
    json::noBody(req);
    reply.json(json::session(accounts_.refresh(subject(req))));
}

void AuthHandlers::changePassword(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"oldPassword", "newPassword"});
    const auto oldPassword = body.str("oldPassword", kMaxPasswordBytes);
    const auto newPassword = body.str("newPassword", kMaxPasswordBytes);
    try {
        reply.json(json::session(accounts_.changePassword(subject(req), oldPassword, newPassword)));
    } catch (const LockedError& e) {
        json::locked(reply, e, ctx_.clock.nowMs());
    }
}

void AuthHandlers::logout(Request& req, Reply& reply) {
    json::noBody(req);
    subject(req);  // staff only
    revocations_.logout(*req.principal());
    reply.status(204);
    reply.content("application/json", "");
}

void AuthHandlers::enrollTotp(Request& req, Reply& reply) {
    json::noBody(req);
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

void AuthHandlers::confirmTotp(Request& req, Reply& reply) {
    auto body = req.json();
    body.allowOnly({"code"});
    const auto code = body.str("code", 16);
    accounts_.confirmTotp(subject(req), code);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("totpEnabled", true);
    reply.json(o);
}

void AuthHandlers::me(Request& req, Reply& reply) {
    reply.json(json::user(accounts_.me(subject(req)), false));
}

}  // namespace medbox::console
