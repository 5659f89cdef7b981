#include "domain/Accounts.h"
#include "domain/AuditDetail.h"

#include "auth/Password.h"
#include "domain/AccountRules.h"
#include "domain/RoleCatalog.h"
#include "domain/Totp.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace medbox::console {

namespace {

constexpr const char* kAdminRole = "admin";
constexpr const char* kBootstrapUser = "admin";

std::string staffActor(const std::string& username) {
    return "staff:" + username;
}

std::string userTarget(const std::string& username) {
    return "user:" + username;
}

Poco::JSON::Array::Ptr jsonArray(const std::vector<std::string>& v) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& s : v) a->add(s);
    return a;
}

std::vector<std::string> sortedUnique(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

std::string opensslRandom(size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw std::runtime_error("RAND_bytes failed: the system random source is unavailable");
    }
    return out;
}

void requireValid(const std::string& why, const std::string& field) {
    if (!why.empty()) throw ApiError(Err::InvalidField, field + ": " + why, field);
}

// Writes the file with mode 0600 from the first byte (no chmod window), then
// fsyncs so the operator finds it after a power cut during the first start.
void writeSecretFile(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
    ::fchmod(fd, 0600);  // a left-over .tmp file keeps its old mode through O_TRUNC
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            ::close(fd);
            throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(e));
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
    }
}

}  // namespace

std::string isoTime(int64_t ms) {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(ms * 1000), Poco::DateTimeFormat::ISO8601_FORMAT);
}

Accounts::Accounts(db::Database& db, AuditLog& audit, const Clock& clock, const TokenIssuer& issuer,
                   Revocations& revocations, ConsoleConfig config, RandomBytes random)
    : db_(db),
      audit_(audit),
      clock_(clock),
      issuer_(issuer),
      revocations_(revocations),
      config_(std::move(config)),
      random_(random ? std::move(random) : RandomBytes(opensslRandom)),
      policy_(clock, config_.lockoutThreshold, config_.lockoutMinutes),
      dummyHash_(password::hash(totp::base32Encode(random_(20)), config_.kdf)) {}

Session Accounts::issue(const UserRecord& u, int64_t iat) const {
    Principal p;
    p.kind = Principal::Kind::Staff;
    p.subject = u.username;
    p.roles = u.mustChangePassword ? std::vector<std::string>{std::string(kMustChangePasswordRole)} : u.roles;
    Session s;
    s.token = issuer_.issue(p, config_.tokenTtlSeconds, iat);
    s.expiresAtMs = (iat + config_.tokenTtlSeconds) * 1000;
    s.roles = u.roles;
    s.mustChangePassword = u.mustChangePassword;
    return s;
}

UserView Accounts::view(db::Connection& c, UserRecord u) const {
    UserView v;
    if (auto a = store_.attempts(c, u.username)) v.lockedUntilMs = policy_.lockedUntil(*a);
    v.user = std::move(u);
    return v;
}

void Accounts::throwLocked(int64_t untilMs, const std::string& field) const {
    throw LockedError(untilMs, "too many failed attempts: locked until " + isoTime(untilMs), field);
}

std::optional<int64_t> Accounts::recordFailure(db::Tx& tx, const std::string& username, const std::string& actor,
                                               const std::string& action, const std::string& reason) {
    auto& c = tx.conn();
    const auto next = policy_.afterFailure(store_.attempts(c, username).value_or(AttemptState{}));
    store_.saveAttempts(c, username, next);
    // Bounds the table: counters of names nobody has tried for a lockout
    // period are forgotten (they would restart from zero anyway).
    store_.pruneAttempts(c, clock_.nowMs(), clock_.nowMs() - policy_.lockoutMs());
    audit_.append(tx, {actor, action, userTarget(username), "failed",
                       detail({{"reason", reason}, {"failures", next.failures}})});
    if (next.lockedUntilMs) {
        audit_.append(tx, {actor, "auth.lockout", userTarget(username), "denied",
                           detail({{"failures", next.failures}, {"lockedUntil", isoTime(*next.lockedUntilMs)}})});
    }
    return next.lockedUntilMs;
}

void Accounts::auditLocked(const std::string& username, const std::string& actor, const std::string& action) {
    db_.write([&](db::Tx& tx) {
        audit_.append(tx, {actor, action, userTarget(username), "denied", detail({{"reason", "locked"}})});
    });
}

Session Accounts::login(const std::string& usernameIn, const std::string& password,
                        const std::optional<std::string>& totpCode) {
    const std::string username = rules::asciiLower(usernameIn);
    const bool wellFormed = rules::isValidUsername(username);

    std::optional<UserRecord> user;
    std::optional<AttemptState> attempts;
    if (wellFormed) {
        db_.read([&](db::Connection& c) {
            user = store_.byUsername(c, username);
            attempts = store_.attempts(c, username);
        });
    }
    if (attempts) {
        if (auto until = policy_.lockedUntil(*attempts)) {
            // No KDF while locked: the lock is also what keeps a guessing
            // client from burning CPU.
            auditLocked(username, "anonymous", "auth.login_failed");
            throwLocked(*until);
        }
    }

    // Always one KDF run, against the real hash or the dummy one, so the
    // answer time does not tell whether the name exists.
    const bool passwordOk = password::verify(password, user ? user->passwordHash : dummyHash_);

    std::string reason;
    std::string field;
    std::optional<int64_t> totpStep;
    if (!wellFormed) {
        reason = "malformed_username";
    } else if (!user) {
        reason = "unknown_user";
    } else if (!passwordOk) {
        reason = "bad_password";
    } else if (!user->enabled) {
        reason = "disabled";
    } else if (user->totpEnabled && user->totpSecret) {
        const auto key = totp::base32Decode(*user->totpSecret).value_or(std::string{});
        if (!totpCode || totpCode->empty()) {
            reason = "totp_missing";
            field = "totp";
        } else if (!(totpStep = totp::verify(key, *totpCode, clock_.nowSeconds(), user->totpLastStep))) {
            reason = "totp_wrong";
            field = "totp";
        }
    }
    const bool ok = reason.empty();
    const std::string newHash =
        ok && password::needsRehash(user->passwordHash, config_.kdf) ? password::hash(password, config_.kdf) : "";

    std::optional<int64_t> lockedUntil;
    UserRecord current;
    int64_t iat = 0;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (!wellFormed) {
            // Not counted: no account can have this name, and a malformed
            // name must not create rows.
            audit_.append(tx, {"anonymous", "auth.login_failed", "user:?", "failed", detail({{"reason", reason}})});
            return;
        }
        // Another request may have locked the name while we ran the KDF.
        if (auto a = store_.attempts(c, username)) {
            if (auto until = policy_.lockedUntil(*a)) {
                audit_.append(tx, {"anonymous", "auth.login_failed", userTarget(username), "denied",
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
        auto fresh = store_.byUsername(c, username);
        if (!fresh || !fresh->enabled) {
            lockedUntil = recordFailure(tx, username, "anonymous", "auth.login_failed", "disabled");
            reason = "disabled";
            return;
        }
        const auto previousRoles = fresh->roles;
        fresh->lastLoginAtMs = clock_.nowMs();
        if (totpStep) fresh->totpLastStep = totpStep;
        if (!newHash.empty()) fresh->passwordHash = newHash;
        store_.update(c, *fresh, previousRoles);
        store_.clearAttempts(c, username);
        audit_.append(tx, {staffActor(username), "auth.login", userTarget(username), "ok",
                           detail({{"secondFactor", totpStep.has_value()}, {"rehashed", !newHash.empty()}})});
        current = *fresh;
        iat = revocations_.issuedAt(c, username, clock_.nowMs());
    });
    if (lockedUntil) throwLocked(*lockedUntil);
    if (!reason.empty()) {
        if (field == "totp") throw ApiError(Err::BadCredentials, "a valid one-time code is required", "totp");
        throw ApiError(Err::BadCredentials, "wrong user name or password");
    }
    return issue(current, iat);
}

Session Accounts::refresh(const std::string& username) {
    std::optional<UserRecord> user;
    int64_t iat = 0;
    db_.write([&](db::Tx& tx) {
        user = store_.byUsername(tx.conn(), username);
        const bool ok = user && user->enabled;
        audit_.append(tx, {staffActor(username), "auth.refresh", userTarget(username), ok ? "ok" : "denied",
                           ok ? std::string{} : detail({{"reason", user ? "disabled" : "no_such_user"}})});
        if (!ok) user.reset();
        else iat = revocations_.issuedAt(tx.conn(), username, clock_.nowMs());
    });
    if (!user) throw ApiError(Err::Unauthenticated, "the account is disabled or no longer exists");
    return issue(*user, iat);
}

Session Accounts::changePassword(const std::string& username, const std::string& oldPassword,
                                 const std::string& newPassword) {
    // Cheap checks first, so a weak new password costs no lockout attempt.
    requireValid(rules::checkNewPassword(newPassword, username), "newPassword");
    if (newPassword == oldPassword) requireValid("must differ from the current password", "newPassword");

    std::optional<UserRecord> user;
    std::optional<AttemptState> attempts;
    db_.read([&](db::Connection& c) {
        user = store_.byUsername(c, username);
        attempts = store_.attempts(c, username);
    });
    if (!user || !user->enabled) throw ApiError(Err::Unauthenticated, "the account is disabled or no longer exists");
    if (attempts) {
        if (auto until = policy_.lockedUntil(*attempts)) {
            auditLocked(username, staffActor(username), "auth.password_change");
            throwLocked(*until, "oldPassword");
        }
    }
    // A stolen token must not become a way to guess the password: a wrong
    // old password counts toward the same lockout as a failed login.
    if (!password::verify(oldPassword, user->passwordHash)) {
        std::optional<int64_t> locked;
        db_.write([&](db::Tx& tx) {
            locked = recordFailure(tx, username, staffActor(username), "auth.password_change", "bad_password");
        });
        if (locked) throwLocked(*locked, "oldPassword");
        throw ApiError(Err::BadCredentials, "the current password is wrong", "oldPassword");
    }
    const std::string newHash = password::hash(newPassword, config_.kdf);
    bool gone = false;
    int64_t iat = 0;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto fresh = store_.byUsername(c, username);
        if (!fresh || !fresh->enabled) {
            gone = true;
            return;
        }
        const int64_t now = clock_.nowMs();
        const auto previousRoles = fresh->roles;
        fresh->passwordHash = newHash;
        fresh->mustChangePassword = false;
        fresh->passwordChangedAtMs = now;
        fresh->updatedAtMs = now;
        store_.update(c, *fresh, previousRoles);
        store_.clearAttempts(c, username);
        audit_.append(tx, {staffActor(username), "auth.password_change", userTarget(username), "ok", {}});
        // Whoever holds a token of the old password (the caller included) is
        // out; the token answered here is read after the change, so it stays.
        const int64_t cutoff = revocations_.revokeUser(tx, username, staffActor(username), "password_change");
        iat = revocations_.issuedAt(c, username, cutoff + 1);
        user = *fresh;
    });
    if (gone) throw ApiError(Err::Unauthenticated, "the account is disabled or no longer exists");
    return issue(*user, iat);
}

TotpEnrollment Accounts::enrollTotp(const std::string& username) {
    TotpEnrollment e;
    e.secret = totp::base32Encode(random_(totp::kSecretBytes));
    e.uri = totp::otpauthUri(config_.totpIssuer, username, e.secret);
    bool missing = false;
    bool active = false;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto u = store_.byUsername(c, username);
        if (!u || !u->enabled) {
            missing = true;
            return;
        }
        if (u->totpEnabled) {
            // Replacing an active factor needs an admin (PATCH totpEnabled:
            // false): otherwise a stolen token could swap in the thief's.
            active = true;
            return;
        }
        const auto roles = u->roles;
        u->totpSecret = e.secret;
        u->totpLastStep.reset();
        u->updatedAtMs = clock_.nowMs();
        store_.update(c, *u, roles);
        audit_.append(tx, {staffActor(username), "auth.totp_enroll", userTarget(username), "ok", {}});
    });
    if (missing) throw ApiError(Err::Unauthenticated, "the account is disabled or no longer exists");
    if (active) throw ApiError(Err::Conflict, "a second factor is already active; an admin must remove it first");
    return e;
}

void Accounts::confirmTotp(const std::string& username, const std::string& code) {
    enum class Outcome { Ok, Missing, NotPending, Wrong } outcome = Outcome::Ok;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto u = store_.byUsername(c, username);
        if (!u || !u->enabled) {
            outcome = Outcome::Missing;
            return;
        }
        if (u->totpEnabled || !u->totpSecret) {
            outcome = Outcome::NotPending;
            return;
        }
        const auto key = totp::base32Decode(*u->totpSecret).value_or(std::string{});
        const auto step = totp::verify(key, code, clock_.nowSeconds(), u->totpLastStep);
        if (!step) {
            outcome = Outcome::Wrong;
            audit_.append(tx, {staffActor(username), "auth.totp_confirm", userTarget(username), "failed", {}});
            return;
        }
        const auto roles = u->roles;
        u->totpEnabled = true;
        u->totpLastStep = step;
        u->updatedAtMs = clock_.nowMs();
        store_.update(c, *u, roles);
        audit_.append(tx, {staffActor(username), "auth.totp_confirm", userTarget(username), "ok", {}});
    });
    switch (outcome) {
        case Outcome::Ok: return;
        case Outcome::Missing: throw ApiError(Err::Unauthenticated, "the account is disabled or no longer exists");
        case Outcome::NotPending:
            throw ApiError(Err::Conflict, "no second-factor enrolment is pending (POST /api/v1/auth/totp/enroll first)");
        case Outcome::Wrong: throw ApiError(Err::BadCredentials, "the code does not match", "code");
    }
}

UserView Accounts::me(const std::string& username) {
    return db_.read([&](db::Connection& c) {
        auto u = store_.byUsername(c, username);
        if (!u || !u->enabled) throw ApiError(Err::Unauthenticated, "the account is disabled or no longer exists");
        return view(c, std::move(*u));
    });
}

std::vector<UserView> Accounts::list(int64_t afterId, int limit) {
    return db_.read([&](db::Connection& c) {
        std::vector<UserView> out;
        for (auto& u : store_.list(c, afterId, limit)) out.push_back(view(c, std::move(u)));
        return out;
    });
}

UserView Accounts::get(int64_t id) {
    return db_.read([&](db::Connection& c) {
        auto u = store_.byId(c, id);
        if (!u) throw ApiError(Err::NotFound, "no user with id " + std::to_string(id));
        return view(c, std::move(*u));
    });
}

UserView Accounts::create(const std::string& actor, const NewUser& in) {
    if (!rules::isValidUsername(in.username)) {
        requireValid("3 to 32 characters: a lower-case letter, then lower-case letters, digits, '.', '_' or '-'",
                     "username");
    }
    requireValid(rules::checkDisplayName(in.displayName), "displayName");
    requireValid(rules::checkRoles(in.roles), "roles");
    requireValid(rules::checkNewPassword(in.password, in.username), "password");
    const std::string hash = password::hash(in.password, config_.kdf);

    bool exists = false;
    UserView result;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (store_.byUsername(c, in.username)) {
            exists = true;
            return;
        }
        const int64_t now = clock_.nowMs();
        UserRecord u;
        u.username = in.username;
        u.displayName = in.displayName;
        u.passwordHash = hash;
        u.roles = sortedUnique(in.roles);
        u.enabled = in.enabled;
        u.mustChangePassword = in.mustChangePassword;
        u.createdAtMs = u.updatedAtMs = u.passwordChangedAtMs = now;
        u.id = store_.insert(c, u);
        // Failures counted against this name before it existed must not
        // greet the new account with a lock.
        store_.clearAttempts(c, u.username);
        audit_.append(tx, {actor, "user.create", userTarget(u.username), "ok",
                           detail({{"id", u.id},
                                   {"roles", jsonArray(u.roles)},
                                   {"enabled", u.enabled},
                                   {"mustChangePassword", u.mustChangePassword}})});
        result = view(c, std::move(u));
    });
    if (exists) throw ApiError(Err::Conflict, "user name '" + in.username + "' is taken", "username");
    return result;
}

UserView Accounts::update(const std::string& actor, int64_t id, const UserPatch& patch) {
    if (patch.empty()) throw ApiError(Err::BadRequest, "nothing to change: give displayName, roles, enabled or totpEnabled");
    if (patch.displayName) requireValid(rules::checkDisplayName(*patch.displayName), "displayName");
    if (patch.roles) requireValid(rules::checkRoles(*patch.roles), "roles");
    if (patch.totpEnabled && *patch.totpEnabled) {
        requireValid("can only be set to false (users enrol their own second factor)", "totpEnabled");
    }

    bool notFound = false;
    std::string lastAdminField;
    UserView result;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto u = store_.byId(c, id);
        if (!u) {
            notFound = true;
            return;
        }
        const auto before = *u;
        if (patch.displayName) u->displayName = *patch.displayName;
        if (patch.roles) u->roles = sortedUnique(*patch.roles);
        if (patch.enabled) u->enabled = *patch.enabled;
        if (patch.totpEnabled) {
            u->totpEnabled = false;
            u->totpSecret.reset();
            u->totpLastStep.reset();
        }
        // Never leave the appliance without an enabled admin: only an admin
        // can fix accounts, so that would need a reinstall. (Only admins call
        // this, so in practice it is the last admin demoting or disabling
        // themselves.)
        const bool wasAdmin = before.enabled && before.hasRole(kAdminRole);
        const bool isAdmin = u->enabled && u->hasRole(kAdminRole);
        if (wasAdmin && !isAdmin && store_.countEnabledWithRole(c, kAdminRole) <= 1) {
            lastAdminField = !u->enabled ? "enabled" : "roles";
            audit_.append(tx, {actor, "user.update", userTarget(u->username), "denied",
                               detail({{"id", id}, {"reason", "last_enabled_admin"}})});
            return;
        }
        u->updatedAtMs = clock_.nowMs();
        store_.update(c, *u, before.roles);
        Poco::JSON::Object changes;
        if (patch.displayName && before.displayName != u->displayName) changes.set("displayName", "changed");
        if (patch.roles && before.roles != u->roles) changes.set("roles", jsonArray(u->roles));
        if (patch.enabled && before.enabled != u->enabled) changes.set("enabled", u->enabled);
        if (patch.totpEnabled && before.totpEnabled) changes.set("totpEnabled", false);
        std::ostringstream d;
        changes.set("id", id);
        changes.stringify(d);
        audit_.append(tx, {actor, "user.update", userTarget(u->username), "ok", d.str()});
        // A token carries the roles of its issue and is checked offline:
        // disabling or a role change must end the tokens out there.
        if (before.enabled && !u->enabled) {
            revocations_.revokeUser(tx, u->username, actor, "disabled");
        } else if (u->enabled && before.roles != u->roles) {
            revocations_.revokeUser(tx, u->username, actor, "roles_changed");
        }
        result = view(c, std::move(*u));
    });
    if (notFound) throw ApiError(Err::NotFound, "no user with id " + std::to_string(id));
    if (!lastAdminField.empty()) {
        throw ApiError(Err::Conflict, "this is the last enabled admin: make another admin first", lastAdminField);
    }
    return result;
}

UserView Accounts::resetPassword(const std::string& actor, int64_t id, const std::string& password) {
    // The user name is needed for the policy check; read it first, then hash
    // outside the write lock.
    const auto target = get(id);
    requireValid(rules::checkNewPassword(password, target.user.username), "password");
    const std::string hash = password::hash(password, config_.kdf);
    bool notFound = false;
    UserView result;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto u = store_.byId(c, id);
        if (!u) {
            notFound = true;
            return;
        }
        const int64_t now = clock_.nowMs();
        const auto roles = u->roles;
        u->passwordHash = hash;
        u->mustChangePassword = true;  // the admin knows this one
        u->passwordChangedAtMs = now;
        u->updatedAtMs = now;
        store_.update(c, *u, roles);
        audit_.append(tx, {actor, "user.password_reset", userTarget(u->username), "ok", detail({{"id", id}})});
        // Sessions opened with the old password end (it may be why it was reset).
        revocations_.revokeUser(tx, u->username, actor, "password_reset");
        result = view(c, std::move(*u));
    });
    if (notFound) throw ApiError(Err::NotFound, "no user with id " + std::to_string(id));
    return result;
}

UserView Accounts::unlock(const std::string& actor, int64_t id) {
    bool notFound = false;
    UserView result;
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        auto u = store_.byId(c, id);
        if (!u) {
            notFound = true;
            return;
        }
        const auto a = store_.attempts(c, u->username);
        const bool wasLocked = a && policy_.lockedUntil(*a).has_value();
        store_.clearAttempts(c, u->username);
        audit_.append(tx, {actor, "user.unlock", userTarget(u->username), "ok",
                           detail({{"id", id}, {"wasLocked", wasLocked}})});
        result = view(c, std::move(*u));
    });
    if (notFound) throw ApiError(Err::NotFound, "no user with id " + std::to_string(id));
    return result;
}

std::string Accounts::randomPassword() const {
    // 5 groups of 5 from an alphabet without look-alikes (0/O, 1/l/I): about
    // 140 bits, readable off a screen, and it has every character class.
    static constexpr std::string_view upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    static constexpr std::string_view lower = "abcdefghijkmnopqrstuvwxyz";
    static constexpr std::string_view digits = "23456789";
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string bytes = random_(25);
        std::string pw;
        for (size_t i = 0; i < bytes.size(); ++i) {
            if (i > 0 && i % 5 == 0) pw += '-';
            const auto b = static_cast<unsigned char>(bytes[i]);
            const std::string_view set = (i % 5 == 0) ? upper : (i % 5 == 4) ? digits : lower;
            pw += set[b % set.size()];
        }
        if (rules::checkNewPassword(pw, kBootstrapUser).empty()) return pw;
    }
    throw std::runtime_error("could not generate an initial admin password that satisfies the password policy");
}

BootstrapResult Accounts::bootstrap(const std::string& dataDir) {
    BootstrapResult r;
    const bool empty = db_.read([&](db::Connection& c) { return store_.count(c) == 0; });
    if (!empty) return r;
    std::string pw = config_.bootstrapAdminPassword;
    r.randomPassword = pw.empty();
    if (r.randomPassword) {
        pw = randomPassword();
        r.file = dataDir + "/console-initial-admin.txt";
        // Written before the account exists: if the commit then fails, the
        // next start makes a new password and overwrites the file.
        writeSecretFile(r.file, "user: admin\npassword: " + pw +
                                    "\n# The password must be changed at first login. Delete this file afterwards.\n");
    }
    const std::string hash = password::hash(pw, config_.kdf);
    db_.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (store_.count(c) != 0) return;  // another start won the race
        const int64_t now = clock_.nowMs();
        UserRecord u;
        u.username = kBootstrapUser;
        u.displayName = "Administrator";
        u.passwordHash = hash;
        u.roles = {kAdminRole};
        u.mustChangePassword = r.randomPassword;
        u.createdAtMs = u.updatedAtMs = u.passwordChangedAtMs = now;
        u.id = store_.insert(c, u);
        audit_.append(tx, {"system", "user.bootstrap", userTarget(u.username), "ok",
                           detail({{"id", u.id}, {"randomPassword", r.randomPassword}})});
        r.created = true;
    });
    return r;
}

}  // namespace medbox::console
