#include "domain/Revocations.h"
#include "domain/AuditDetail.h"

#include "domain/ConsoleConfig.h"
#include "core/auth/Tokens.h"

#include <Poco/JSON/Object.h>

namespace medbox::console {

namespace {

// A user-wide entry must outlive every token it can match: the longest
// lifetime the console may have given (even before a restart with a
// shorter console.token_ttl_seconds), plus the verifiers' clock leeway.
constexpr int64_t kSubjectEntryMs = int64_t{kLongestStaffTokenSeconds} * 1000 + kTokenLeewayMs;

}  // namespace

Revocations::Revocations(ConsoleEnv& env, RevocationSet& set) : env_(env), set_(set) {}

void Revocations::load() {
    const int64_t now = env_.clock.nowMs();
    set_.replace(env_.db.read([&](db::Connection& c) { return store::unexpiredRevocations(c, now); }), now);
}

int64_t Revocations::revokeUser(db::Tx& tx, const std::string& username, const std::string& actor,
                                const std::string& reason) {
    const int64_t now = env_.clock.nowMs();
    Revocation r;
    r.kind = Revocation::Kind::Subject;
    r.value = username;
    r.cutoffMs = now;
    r.expiresMs = now + kSubjectEntryMs;
    insert(tx, r, username, now);
    env_.effects.auditIn(tx, {actor, "auth.revoke", "user:" + username, "ok",
                              detail({{"reason", reason}, {"seq", r.seq}})});
    return now;
}

void Revocations::revokeToken(db::Tx& tx, const std::string& username, const std::string& jti, int64_t expiresMs) {
    const int64_t now = env_.clock.nowMs();
    Revocation r;
    r.kind = Revocation::Kind::Token;
    r.value = jti;
    r.cutoffMs = now;
    r.expiresMs = expiresMs + kTokenLeewayMs;
    insert(tx, r, username, now);
}

void Revocations::logout(const Principal& token) {
    const int64_t now = env_.clock.nowMs();
    Revocation r;
    if (!token.tokenId.empty()) {
        r.kind = Revocation::Kind::Token;
        r.value = token.tokenId;
        r.cutoffMs = now;
        r.expiresMs = (token.expiresMs > 0 ? token.expiresMs : now + kSubjectEntryMs) + kTokenLeewayMs;
    } else {
        // Nothing names this one token: end it with every older one of the
        // user (those are older sessions of the same person anyway).
        r.kind = Revocation::Kind::Subject;
        r.value = token.subject;
        r.cutoffMs = token.issuedAtMs;
        r.expiresMs = now + kSubjectEntryMs;
    }
    env_.db.write([&](db::Tx& tx) {
        insert(tx, r, token.subject, now);
        env_.effects.auditIn(tx, {"staff:" + token.subject, "auth.logout", "user:" + token.subject, "ok",
                                  detail({{"kind", r.kind == Revocation::Kind::Token ? "token" : "subject"},
                                          {"seq", r.seq}})});
    });
}

void Revocations::insert(db::Tx& tx, Revocation& r, const std::string& username, int64_t now) {
    auto& c = tx.conn();
    store::purgeRevocations(c, now);
    r.seq = store::insertRevocation(c, r, username);
    // Not before the commit: a change rolled back revokes nothing.
    tx.afterCommit([this, r] { set_.add({r}, env_.clock.nowMs()); });
}

RevocationPage Revocations::list(int64_t afterSeq, int limit) {
    const int64_t now = env_.clock.nowMs();
    return env_.db.read([&](db::Connection& c) {
        RevocationPage page;
        page.highestSeq = store::highestRevocationSeq(c);
        page.entries = store::revocationsAfter(c, afterSeq, page.highestSeq, now, limit);
        // A short page is the end: what was skipped has expired.
        page.nextAfter = static_cast<int64_t>(page.entries.size()) < limit ? page.highestSeq : page.entries.back().seq;
        return page;
    });
}

int64_t Revocations::issuedAt(db::Connection& c, const std::string& username, int64_t claimsReadAtMs) const {
    int64_t iat = claimsReadAtMs / 1000;
    const auto cutoff = store::latestCutoff(c, username);
    if (cutoff && *cutoff < claimsReadAtMs && iat * 1000 <= *cutoff) iat = *cutoff / 1000 + 1;
    return iat;
}

}  // namespace medbox::console
