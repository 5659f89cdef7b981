#pragma once
// The console's use cases on staff accounts: login, refresh, password change,
// TOTP enrolment, and the admin operations. Each one validates, runs its
// changes and their audit rows in one transaction, and only then answers —
// so a refused login still counts and is still audited (the error is thrown
// after the commit). Slow work (scrypt) is done outside the write lock.
//
// Lives here rather than in the handlers so it is tested without HTTP (clock,
// KDF cost and token key injected). Owned by ConsoleApp for
// the process lifetime; thread-safe (state is in the database).
#include "core/auth/Tokens.h"
#include "domain/ConsoleEnv.h"
#include "domain/LoginPolicy.h"
#include "domain/PasswordRules.h"
#include "domain/Revocations.h"
#include "core/error/AppError.h"
#include "store/UserStore.h"
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

// 423 with the time the lock ends (the handler adds Retry-After).
class LockedError : public AppError {
public:
    LockedError(int64_t untilMs, const std::string& message, std::string field = {})
        : AppError(Err::Locked, message, std::move(field)), untilMs_(untilMs) {}
    int64_t untilMs() const { return untilMs_; }

private:
    int64_t untilMs_;
};

struct Session {
    std::string token;
    std::string tokenId;  // its jti (the CSRF value of a browser session derives from it)
    int64_t expiresAtMs = 0;
    int64_t sessionEndsAtMs = 0;     // sign-in + console.session_max_seconds: no refresh beyond
    std::vector<std::string> roles;  // the user's roles (the token holds only the marker while mustChangePassword)
    bool mustChangePassword = false;
    int64_t issuedAtMs = 0;  // the token's iat (whole seconds, in ms): the session list keeps it
};

struct UserView {
    UserRecord user;
    std::optional<int64_t> lockedUntilMs;
};

struct NewUser {
    std::string username;
    std::string displayName;
    std::string password;
    std::vector<std::string> roles;
    bool enabled = true;
    // The admin chose the password and knows it: by default the user must
    // replace it at first login.
    bool mustChangePassword = true;
};

struct UserPatch {
    std::optional<std::string> displayName;
    std::optional<std::vector<std::string>> roles;
    std::optional<bool> enabled;
    std::optional<bool> totpEnabled;  // only false: an admin can remove a lost second factor, not add one
    bool empty() const { return !displayName && !roles && !enabled && !totpEnabled; }
};

struct TotpEnrollment {
    std::string secret;  // base32
    std::string uri;     // otpauth://
};

struct BootstrapResult {
    bool created = false;
    bool randomPassword = false;
    std::string file;  // where the random password was written
};

class Accounts {
public:
    // Random bytes source (OpenSSL's CSPRNG by default; tests may fix it).
    using RandomBytes = std::function<std::string(size_t)>;

    // revocations: where disabling a user and password or role changes end
    // the user's tokens (in the same transaction as the change).
    // issuer: the console's staff-token key (ServiceContext::issuer).
    Accounts(ConsoleEnv& env, const TokenIssuer& issuer, Revocations& revocations, RandomBytes random = {});

    // Sign-in and one's own account (AccountsSignIn.cpp).

    // POST /auth/login. Throws BadCredentials (field "totp" when only the
    // second factor is missing or wrong) or LockedError. recoveryCode: one
    // of the user's unused recovery codes instead of the TOTP code (used up).
    Session login(const std::string& username, const std::string& password, const std::optional<std::string>& totp,
                  const std::optional<std::string>& recoveryCode = std::nullopt);
    // POST /auth/refresh for a verified staff token's subject; authTimeMs:
    // when its session began (the token's auth_time, else its iat). Refused
    // once the session is console.session_max_seconds old.
    Session refresh(const std::string& username, int64_t authTimeMs);
    // POST /auth/password. Wrong old password counts toward the lockout. The
    // user's other tokens end; the answer's token is the one that stays.
    Session changePassword(const std::string& username, const std::string& oldPassword, const std::string& newPassword);
    TotpEnrollment enrollTotp(const std::string& username);
    // Turns the factor on and answers its recovery codes (shown once; stored hashed).
    std::vector<std::string> confirmTotp(const std::string& username, const std::string& code);
    // A new list of recovery codes for a user with an active factor (the old ones end).
    std::vector<std::string> newRecoveryCodes(const std::string& username);
    UserView me(const std::string& username);

    // User administration (AccountsAdmin.cpp). `actor` is the audit actor ("staff:alice").
    std::vector<UserView> list(int64_t afterId, int limit);
    UserView get(int64_t id);
    UserView create(const std::string& actor, const NewUser& u);
    UserView update(const std::string& actor, int64_t id, const UserPatch& patch);
    UserView resetPassword(const std::string& actor, int64_t id, const std::string& password);
    UserView unlock(const std::string& actor, int64_t id);

    // Password rules and lockout settings (AccountsRules.cpp): the stored
    // values over the defaults (lockout ones from console.lockout_*).
    PasswordRules passwordRules();
    // Validates all of r, stores it and audits the change (settings.password_rules).
    PasswordRules setPasswordRules(const std::string& actor, const PasswordRules& r);

    // First start (AccountsBootstrap.cpp): creates "admin" when there is no user at all.
    BootstrapResult bootstrap(const std::string& dataDir);

    const ConsoleConfig& config() const { return env_.config; }

private:
    // iat: from Revocations::issuedAt, inside the transaction that read u.
    // authTimeMs: when the session began (0: now, at iat).
    Session issue(const UserRecord& u, int64_t iat, int64_t authTimeMs = 0) const;
    UserView view(db::Connection& c, UserRecord u) const;
    // Records a failed credential check for a user name and returns the lock
    // it caused, if any. Inside a write transaction.
    // The rules in force, read on c (inside a transaction: what it sees).
    PasswordRules rulesIn(db::Connection& c) const;
    LoginPolicy lockoutIn(db::Connection& c) const;
    // Refuses (InvalidField on `field`) a password equal to the current hash
    // or one of the user's last historyCount - 1 earlier ones. Runs the KDF
    // once per hash: call outside the write lock.
    void requireNotReused(const PasswordRules& r, const std::vector<std::string>& hashes, const std::string& password,
                          const std::string& field) const;
    std::optional<int64_t> recordFailure(db::Tx& tx, const std::string& username, const std::string& actor,
                                         const std::string& action, const std::string& reason);
    void auditLocked(const std::string& username, const std::string& actor, const std::string& action);
    [[noreturn]] void throwLocked(int64_t untilMs, const std::string& field = {}) const;
    std::string randomPassword() const;

    ConsoleEnv& env_;
    const TokenIssuer& issuer_;
    Revocations& revocations_;
    RandomBytes random_;
    // <data.dir>/console-initial-admin.txt, known once bootstrap() ran: the
    // bootstrap admin's first password change removes it, so the one-time
    // password leaves the local screen (medbox-issue, docs/install.md).
    std::string initialPasswordFile_;
    // A hash of a random password, verified against for unknown user names so
    // that they cost the same KDF time as real ones.
    std::string dummyHash_;
};

}  // namespace medbox::console
