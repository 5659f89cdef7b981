// Accounts, sign-in and one's own account: login (lockout, TOTP), refresh,
// password change, TOTP enrolment, /me.
#include "domain/Accounts.h"
#include "domain/AuditDetail.h"

#include "core/auth/Password.h"
#include "domain/AccountRules.h"
#include "domain/RoleCatalog.h"
#include "domain/Totp.h"
#include "domain/RecoveryCodes.h"
#include "store/AccountSettingsStore.h"
#include "store/RecoveryCodeStore.h"
#include "core/time/IsoTime.h"

#include <algorithm>
#include <cstdio>

namespace medbox::console {

namespace {

// The row of the user changing their own account. One disabled or deleted
// since they signed in is Unauthenticated; thrown inside a write, nothing
// has been written yet, so the rollback loses nothing.
UserRecord activeUser(db::Connection& c, const std::string& username) {
    auto u = store::findUserByName(c, username);
    if (!u || !u->enabled) throw AppError(Err::Unauthenticated, "the account is disabled or no longer exists");
    return std::move(*u);
}

}  // namespace

Session Accounts::issue(const UserRecord& u, int64_t iat, int64_t authTimeMs) const {
    Principal p;
    p.kind = Principal::Kind::Staff;
    p.subject = u.username;
    p.roles = u.mustChangePassword ? std::vector<std::string>{std::string(kMustChangePasswordRole)} : u.roles;
    p.authTimeMs = authTimeMs > 0 ? authTimeMs : iat * 1000;
    // The token lives token_ttl_seconds (the idle limit: a page that is used
    // refreshes it), but never past the session's maximum age.
    const int64_t sessionEnd = p.authTimeMs / 1000 + env_.config.sessionMaxSeconds;
    const int64_t ttl = std::min<int64_t>(env_.config.tokenTtlSeconds, sessionEnd - iat);
    if (ttl < 1) throw AppError(Err::Unauthenticated, "the session reached its maximum age: sign in again");
    Session s;
    s.token = issuer_.issue(p, static_cast<int>(ttl), iat, &s.tokenId);
    s.expiresAtMs = (iat + ttl) * 1000;
    s.sessionEndsAtMs = sessionEnd * 1000;
    s.roles = u.roles;
    s.mustChangePassword = u.mustChangePassword;
    s.issuedAtMs = iat * 1000;
    return s;
}

void Accounts::throwLocked(int64_t untilMs, const std::string& field) const {
    throw LockedError(untilMs, "too many failed attempts: locked until " + isoUtc(untilMs), field);
}

std::optional<int64_t> Accounts::recordFailure(db::Tx& tx, const std::string& username, const std::string& actor,
                                               const std::string& action, const std::string& reason) {
    auto& c = tx.conn();
    const auto policy = lockoutIn(c);
    const auto next = policy.afterFailure(store::findAttempts(c, username).value_or(AttemptState{}));
    store::saveAttempts(c, username, next);
    // Bounds the table: counters of names nobody has tried for a lockout
    // period are forgotten (they would restart from zero anyway).
    store::pruneAttempts(c, env_.clock.nowMs(), env_.clock.nowMs() - policy.lockoutMs());
    env_.effects.auditIn(tx, {actor, action, userTarget(username), "failed",
                              detail({{"reason", reason}, {"failures", next.failures}})});
    if (next.lockedUntilMs) {
        env_.effects.auditIn(tx, {actor, "auth.lockout", userTarget(username), "denied",
                                  detail({{"failures", next.failures}, {"lockedUntil", isoUtc(*next.lockedUntilMs)}})});
    }
    return next.lockedUntilMs;
}

void Accounts::auditLocked(const std::string& username, const std::string& actor, const std::string& action) {
    env_.db.write([&](db::Tx& tx) {
        env_.effects.auditIn(tx, {actor, action, userTarget(username), "denied", detail({{"reason", "locked"}})});
    });
}

Session Accounts::login(const std::string& usernameIn, const std::string& password,
                        const std::optional<std::string>& totpCode, const std::optional<std::string>& recoveryCode) {
    const std::string username = rules::asciiLower(usernameIn);
    const bool wellFormed = rules::isValidUsername(username);

    std::optional<UserRecord> user;
    std::optional<AttemptState> attempts;
    std::optional<int64_t> lockedNow;
    if (wellFormed) {
        env_.db.read([&](db::Connection& c) {
            user = store::findUserByName(c, username);
            attempts = store::findAttempts(c, username);
            if (attempts) lockedNow = lockoutIn(c).lockedUntil(*attempts);
        });
    }
    if (lockedNow) {
        // No KDF while locked: the lock is also what keeps a guessing
        // client from burning CPU.
        auditLocked(username, "anonymous", "auth.login_failed");
        throwLocked(*lockedNow);
    }

    // Always one KDF run, against the real hash or the dummy one, so the
    // answer time does not tell whether the name exists.
    const bool passwordOk = password::verify(password, user ? user->passwordHash : dummyHash_);

    std::string reason;
    std::string field;
    std::optional<int64_t> totpStep;
    std::optional<int64_t> recoveryId;
    if (!wellFormed) {
        reason = "malformed_username";
    } else if (!user) {
        reason = "unknown_user";
    } else if (!passwordOk) {
        reason = "bad_password";
    } else if (!user->enabled) {
        reason = "disabled";
    } else if (user->totpEnabled && user->totpSecret && recoveryCode && !recoveryCode->empty()) {
        // A recovery code instead of the one-time code (a lost phone).
        if (const auto norm = recovery::normalize(*recoveryCode)) {
            recoveryId = env_.db.read(
                [&](db::Connection& c) { return store::findUnusedRecoveryCode(c, user->id, recovery::hash(*norm)); });
        }
        if (!recoveryId) {
            reason = "recovery_code_wrong";
            field = "totp";
        }
    } else if (user->totpEnabled && user->totpSecret) {
        const auto key = totp::base32Decode(*user->totpSecret).value_or(std::string{});
        if (!totpCode || totpCode->empty()) {
            reason = "totp_missing";
            field = "totp";
        } else if (!(totpStep = totp::verify(key, *totpCode, env_.clock.nowSeconds(), user->totpLastStep))) {
            reason = "totp_wrong";
            field = "totp";
        }
    }
    const bool ok = reason.empty();
    const std::string newHash = ok && password::needsRehash(user->passwordHash, env_.config.kdf)
                                    ? password::hash(password, env_.config.kdf)
                                    : "";

    std::optional<int64_t> lockedUntil;
    UserRecord current;
    int64_t iat = 0;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (!wellFormed) {
            // Not counted: no account can have this name, and a malformed
            // name must not create rows.
            env_.effects.auditIn(tx,
                                 {"anonymous", "auth.login_failed", "user:?", "failed", detail({{"reason", reason}})});
            return;
        }
        // Another request may have locked the name while we ran the KDF.
        if (auto a = store::findAttempts(c, username)) {
            if (auto until = lockoutIn(c).lockedUntil(*a)) {
                env_.effects.auditIn(tx, {"anonymous", "auth.login_failed", userTarget(username), "denied",
                                          detail({{"reason", "locked"}})});
                lockedUntil = until;
                return;
            }
        }
        if (!ok) {
            lockedUntil = recordFailure(tx, username, "anonymous", "auth.login_failed", reason);
            return;
        }
        // Re-read inside the transaction: an admin may have just disabled
        // the account or changed its roles.
        auto fresh = store::findUserByName(c, username);
        if (!fresh || !fresh->enabled) {
            lockedUntil = recordFailure(tx, username, "anonymous", "auth.login_failed", "disabled");
            reason = "disabled";
            return;
        }
        // Two sign-ins racing with the same code: only the first one uses it.
        if (recoveryId && !store::useRecoveryCode(c, *recoveryId, env_.clock.nowMs())) {
            reason = "recovery_code_wrong";
            field = "totp";
            lockedUntil = recordFailure(tx, username, "anonymous", "auth.login_failed", reason);
            return;
        }
        const auto previousRoles = fresh->roles;
        fresh->lastLoginAtMs = env_.clock.nowMs();
        if (totpStep) fresh->totpLastStep = totpStep;
        if (!newHash.empty()) fresh->passwordHash = newHash;
        // An expired password opens only the forced change, like a new one.
        const bool expired = !fresh->mustChangePassword &&
                             password_rules::expired(rulesIn(c), fresh->passwordChangedAtMs, env_.clock.nowMs());
        if (expired) fresh->mustChangePassword = true;
        store::updateUser(c, *fresh, previousRoles);
        store::clearAttempts(c, username);
        env_.effects.auditIn(tx, {staffActor(username), "auth.login", userTarget(username), "ok",
                                  detail({{"secondFactor", totpStep.has_value() || recoveryId.has_value()},
                                          {"recoveryCode", recoveryId.has_value()},
                                          {"rehashed", !newHash.empty()}})});
        if (recoveryId) {
            env_.effects.auditIn(tx, {staffActor(username), "auth.recovery_code_used", userTarget(username), "ok",
                                      detail({{"left", store::unusedRecoveryCodes(c, fresh->id)}})});
        }
        if (expired) {
            env_.effects.auditIn(tx, {staffActor(username), "auth.password_expired", userTarget(username), "ok",
                                      detail({{"changedAt", isoUtc(fresh->passwordChangedAtMs)}})});
        }
        current = *fresh;
        iat = revocations_.issuedAt(c, username, env_.clock.nowMs());
    });
    if (lockedUntil) throwLocked(*lockedUntil);
    if (!reason.empty()) {
        if (field == "totp") throw AppError(Err::BadCredentials, "a valid one-time code is required", "totp");
        throw AppError(Err::BadCredentials, "wrong user name or password");
    }
    return issue(current, iat);
}

Session Accounts::refresh(const std::string& username, int64_t authTimeMs) {
    std::optional<UserRecord> user;
    int64_t iat = 0;
    const bool tooOld = env_.clock.nowMs() >= authTimeMs + int64_t{env_.config.sessionMaxSeconds} * 1000;
    env_.db.write([&](db::Tx& tx) {
        user = store::findUserByName(tx.conn(), username);
        const bool ok = user && user->enabled && !tooOld;
        const char* why = !user ? "no_such_user" : !user->enabled ? "disabled" : "session_max_age";
        env_.effects.auditIn(tx, {staffActor(username), "auth.refresh", userTarget(username), ok ? "ok" : "denied",
                                  ok ? std::string{} : detail({{"reason", why}})});
        if (!ok)
            user.reset();
        else
            iat = revocations_.issuedAt(tx.conn(), username, env_.clock.nowMs());
    });
    if (tooOld) throw AppError(Err::Unauthenticated, "the session reached its maximum age: sign in again");
    if (!user) throw AppError(Err::Unauthenticated, "the account is disabled or no longer exists");
    return issue(*user, iat, authTimeMs);
}

Session Accounts::changePassword(const std::string& username, const std::string& oldPassword,
                                 const std::string& newPassword) {
    std::optional<UserRecord> user;
    std::optional<int64_t> lockedNow;
    PasswordRules rulesNow;
    std::vector<std::string> history;
    env_.db.read([&](db::Connection& c) {
        user = store::findUserByName(c, username);
        rulesNow = rulesIn(c);
        if (auto a = store::findAttempts(c, username)) lockedNow = lockoutIn(c).lockedUntil(*a);
        if (user) history = store::passwordHistory(c, user->id, rulesNow.historyCount - 1);
    });
    // Cheap checks first, so a weak new password costs no lockout attempt.
    rules::require(password_rules::check(rulesNow, newPassword, username), "newPassword");
    if (newPassword == oldPassword) rules::require("must differ from the current password", "newPassword");
    if (!user || !user->enabled) throw AppError(Err::Unauthenticated, "the account is disabled or no longer exists");
    if (lockedNow) {
        auditLocked(username, staffActor(username), "auth.password_change");
        throwLocked(*lockedNow, "oldPassword");
    }
    // A stolen token must not become a way to guess the password: a wrong
    // old password counts toward the same lockout as a failed login.
    if (!password::verify(oldPassword, user->passwordHash)) {
        std::optional<int64_t> locked;
        env_.db.write([&](db::Tx& tx) {
            locked = recordFailure(tx, username, staffActor(username), "auth.password_change", "bad_password");
        });
        if (locked) throwLocked(*locked, "oldPassword");
        throw AppError(Err::BadCredentials, "the current password is wrong", "oldPassword");
    }
    // Only now, with the old password proven: a token thief learns nothing
    // about earlier passwords from this answer.
    requireNotReused(rulesNow, history, newPassword, "newPassword");
    const std::string newHash = password::hash(newPassword, env_.config.kdf);
    bool gone = false;
    int64_t iat = 0;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto fresh = store::findUserByName(c, username);
        if (!fresh || !fresh->enabled) {
            gone = true;
            return;
        }
        const int64_t now = env_.clock.nowMs();
        const auto previousRoles = fresh->roles;
        store::pushPasswordHistory(c, fresh->id, fresh->passwordHash, now, kKeptPasswordHashes);
        fresh->passwordHash = newHash;
        fresh->mustChangePassword = false;
        fresh->passwordChangedAtMs = now;
        fresh->updatedAtMs = now;
        store::updateUser(c, *fresh, previousRoles);
        store::clearAttempts(c, username);
        env_.effects.auditIn(tx, {staffActor(username), "auth.password_change", userTarget(username), "ok", {}});
        // Whoever holds a token of the old password (the caller included) is
        // out; the token answered here is read after the change, so it stays.
        const int64_t cutoff = revocations_.revokeUser(tx, username, staffActor(username), "password_change");
        iat = revocations_.issuedAt(c, username, cutoff + 1);
        user = *fresh;
    });
    if (gone) throw AppError(Err::Unauthenticated, "the account is disabled or no longer exists");
    // The one-time password is no secret worth keeping once changed, and the
    // local screen shows it as long as the file exists.
    if (username == "admin" && !initialPasswordFile_.empty()) std::remove(initialPasswordFile_.c_str());
    return issue(*user, iat);
}

TotpEnrollment Accounts::enrollTotp(const std::string& username) {
    TotpEnrollment e;
    e.secret = totp::base32Encode(random_(totp::kSecretBytes));
    e.uri = totp::otpauthUri(env_.config.totpIssuer, username, e.secret);
    bool active = false;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto u = activeUser(c, username);
        if (u.totpEnabled) {
            // Replacing an active factor needs an admin (PATCH totpEnabled:
            // false): otherwise a stolen token could swap in the thief's.
            active = true;
            return;
        }
        const auto roles = u.roles;
        u.totpSecret = e.secret;
        u.totpLastStep.reset();
        u.updatedAtMs = env_.clock.nowMs();
        store::updateUser(c, u, roles);
        env_.effects.auditIn(tx, {staffActor(username), "auth.totp_enroll", userTarget(username), "ok", {}});
    });
    if (active) throw AppError(Err::Conflict, "a second factor is already active; an admin must remove it first");
    return e;
}

std::vector<std::string> Accounts::confirmTotp(const std::string& username, const std::string& code) {
    enum class Outcome { Ok, NotPending, Wrong } outcome = Outcome::Ok;
    const auto codes = recovery::generate(random_);
    const auto hashes = recovery::hashAll(codes);
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto u = activeUser(c, username);
        if (u.totpEnabled || !u.totpSecret) {
            outcome = Outcome::NotPending;
            return;
        }
        const auto key = totp::base32Decode(*u.totpSecret).value_or(std::string{});
        const auto step = totp::verify(key, code, env_.clock.nowSeconds(), u.totpLastStep);
        if (!step) {
            outcome = Outcome::Wrong;
            env_.effects.auditIn(tx, {staffActor(username), "auth.totp_confirm", userTarget(username), "failed", {}});
            return;
        }
        const auto roles = u.roles;
        u.totpEnabled = true;
        u.totpLastStep = step;
        u.updatedAtMs = env_.clock.nowMs();
        store::updateUser(c, u, roles);
        store::replaceRecoveryCodes(c, u.id, hashes, env_.clock.nowMs());
        env_.effects.auditIn(tx, {staffActor(username), "auth.totp_confirm", userTarget(username), "ok",
                                  detail({{"recoveryCodes", static_cast<int64_t>(hashes.size())}})});
    });
    switch (outcome) {
        case Outcome::Ok: return codes;
        case Outcome::NotPending:
            throw AppError(Err::Conflict,
                           "no second-factor enrolment is pending (POST /api/v1/auth/totp/enroll first)");
        case Outcome::Wrong: throw AppError(Err::BadCredentials, "the code does not match", "code");
    }
    return codes;  // not reached: every outcome is handled above
}

std::vector<std::string> Accounts::newRecoveryCodes(const std::string& username) {
    const auto codes = recovery::generate(random_);
    const auto hashes = recovery::hashAll(codes);
    bool noFactor = false;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const auto u = activeUser(c, username);
        if (!u.totpEnabled) {
            noFactor = true;
            return;
        }
        // The earlier codes end: only the newest list is valid.
        store::replaceRecoveryCodes(c, u.id, hashes, env_.clock.nowMs());
        env_.effects.auditIn(tx, {staffActor(username), "auth.recovery_codes", userTarget(username), "ok",
                                  detail({{"recoveryCodes", static_cast<int64_t>(hashes.size())}})});
    });
    if (noFactor) throw AppError(Err::Conflict, "no second factor is active: enrol one first");
    return codes;
}

UserView Accounts::me(const std::string& username) {
    return env_.db.read([&](db::Connection& c) { return view(c, activeUser(c, username)); });
}

}  // namespace medbox::console
