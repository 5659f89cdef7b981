// Accounts, user administration (admin only): list, get, create, update
// (with the last-admin rule), password reset, unlock.
#include "domain/Accounts.h"
#include "domain/AuditDetail.h"

#include "core/auth/Password.h"
#include "domain/AccountRules.h"
#include "core/error/OrNotFound.h"
#include "store/AccountSettingsStore.h"
#include "store/RecoveryCodeStore.h"
#include "store/UserStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace medbox::console {

namespace {

constexpr const char* kAdminRole = "admin";

Poco::JSON::Array::Ptr jsonArray(const std::vector<std::string>& v) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& s : v) a->add(s);
    return a;
}

}  // namespace

std::vector<UserView> Accounts::list(int64_t afterId, int limit) {
    return env_.db.read([&](db::Connection& c) {
        std::vector<UserView> out;
        for (auto& u : store::listUsers(c, afterId, limit)) out.push_back(view(c, std::move(u)));
        return out;
    });
}

UserView Accounts::get(int64_t id) {
    return env_.db.read([&](db::Connection& c) { return view(c, orNotFound(store::findUser(c, id), "user", id)); });
}

UserView Accounts::create(const std::string& actor, const NewUser& in) {
    if (!rules::isValidUsername(in.username)) {
        rules::require("3 to 32 characters: a lower-case letter, then lower-case letters, digits, '.', '_' or '-'",
                       "username");
    }
    rules::require(rules::checkDisplayName(in.displayName), "displayName");
    rules::require(rules::checkRoles(in.roles), "roles");
    const auto pwRules = passwordRules();
    rules::require(password_rules::check(pwRules, in.password, in.username), "password");
    const std::string hash = password::hash(in.password, env_.config.kdf);

    bool exists = false;
    UserView result;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (store::findUserByName(c, in.username)) {
            exists = true;
            return;
        }
        const int64_t now = env_.clock.nowMs();
        UserRecord u;
        u.username = in.username;
        u.displayName = in.displayName;
        u.passwordHash = hash;
        u.roles = rules::sortedRoles(in.roles);
        u.enabled = in.enabled;
        u.mustChangePassword = in.mustChangePassword;
        u.createdAtMs = u.updatedAtMs = u.passwordChangedAtMs = now;
        u.id = store::insertUser(c, u);
        // Failures counted against this name before it existed must not
        // greet the new account with a lock.
        store::clearAttempts(c, u.username);
        env_.effects.auditIn(tx, {actor, "user.create", userTarget(u.username), "ok",
                                  detail({{"id", u.id},
                                          {"roles", jsonArray(u.roles)},
                                          {"enabled", u.enabled},
                                          {"mustChangePassword", u.mustChangePassword}})});
        result = view(c, std::move(u));
    });
    if (exists) throw AppError(Err::Conflict, "user name '" + in.username + "' is taken", "username");
    return result;
}

UserView Accounts::update(const std::string& actor, int64_t id, const UserPatch& patch) {
    if (patch.empty())
        throw AppError(Err::BadRequest, "nothing to change: give displayName, roles, enabled or totpEnabled");
    if (patch.displayName) rules::require(rules::checkDisplayName(*patch.displayName), "displayName");
    if (patch.roles) rules::require(rules::checkRoles(*patch.roles), "roles");
    if (patch.totpEnabled && *patch.totpEnabled) {
        rules::require("can only be set to false (users enrol their own second factor)", "totpEnabled");
    }

    std::string lastAdminField;
    UserView result;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        UserRecord u = orNotFound(store::findUser(c, id), "user", id);
        const auto before = u;
        if (patch.displayName) u.displayName = *patch.displayName;
        if (patch.roles) u.roles = rules::sortedRoles(*patch.roles);
        if (patch.enabled) u.enabled = *patch.enabled;
        if (patch.totpEnabled) {
            u.totpEnabled = false;
            u.totpSecret.reset();
            u.totpLastStep.reset();
            store::deleteRecoveryCodes(c, u.id);  // they belong to the factor removed
        }
        // Never leave the appliance without an enabled admin: only an admin
        // can fix accounts, so that would need a reinstall. (Only admins call
        // this, so in practice it is the last admin demoting or disabling
        // themselves.)
        const bool wasAdmin = before.enabled && before.hasRole(kAdminRole);
        const bool isAdmin = u.enabled && u.hasRole(kAdminRole);
        if (wasAdmin && !isAdmin && store::countEnabledWithRole(c, kAdminRole) <= 1) {
            lastAdminField = !u.enabled ? "enabled" : "roles";
            env_.effects.auditIn(tx, {actor, "user.update", userTarget(u.username), "denied",
                                      detail({{"id", id}, {"reason", "last_enabled_admin"}})});
            return;
        }
        u.updatedAtMs = env_.clock.nowMs();
        store::updateUser(c, u, before.roles);
        Poco::JSON::Object changes;
        if (patch.displayName && before.displayName != u.displayName) changes.set("displayName", "changed");
        if (patch.roles && before.roles != u.roles) changes.set("roles", jsonArray(u.roles));
        if (patch.enabled && before.enabled != u.enabled) changes.set("enabled", u.enabled);
        if (patch.totpEnabled && before.totpEnabled) changes.set("totpEnabled", false);
        std::ostringstream d;
        changes.set("id", id);
        changes.stringify(d);
        env_.effects.auditIn(tx, {actor, "user.update", userTarget(u.username), "ok", d.str()});
        // A token carries the roles of its issue and is checked offline:
        // disabling or a role change must end the tokens out there.
        if (before.enabled && !u.enabled) {
            revocations_.revokeUser(tx, u.username, actor, "disabled");
        } else if (u.enabled && before.roles != u.roles) {
            revocations_.revokeUser(tx, u.username, actor, "roles_changed");
        }
        result = view(c, std::move(u));
    });
    if (!lastAdminField.empty()) {
        throw AppError(Err::Conflict, "this is the last enabled admin: make another admin first", lastAdminField);
    }
    return result;
}

UserView Accounts::resetPassword(const std::string& actor, int64_t id, const std::string& password) {
    // The user name is needed for the policy check; read it first, then hash
    // outside the write lock.
    const auto target = get(id);
    // The rules but not the history: this password is temporary (the user
    // must change it), and the change is where the history applies.
    rules::require(password_rules::check(passwordRules(), password, target.user.username), "password");
    const std::string hash = password::hash(password, env_.config.kdf);
    UserView result;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        UserRecord u = orNotFound(store::findUser(c, id), "user", id);
        const int64_t now = env_.clock.nowMs();
        const auto roles = u.roles;
        store::pushPasswordHistory(c, u.id, u.passwordHash, now, kKeptPasswordHashes);
        u.passwordHash = hash;
        u.mustChangePassword = true;  // the admin knows this one
        u.passwordChangedAtMs = now;
        u.updatedAtMs = now;
        store::updateUser(c, u, roles);
        env_.effects.auditIn(tx, {actor, "user.password_reset", userTarget(u.username), "ok", detail({{"id", id}})});
        // Sessions opened with the old password end (it may be why it was reset).
        revocations_.revokeUser(tx, u.username, actor, "password_reset");
        result = view(c, std::move(u));
    });
    return result;
}

UserView Accounts::unlock(const std::string& actor, int64_t id) {
    UserView result;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        UserRecord u = orNotFound(store::findUser(c, id), "user", id);
        const auto a = store::findAttempts(c, u.username);
        const bool wasLocked = a && lockoutIn(c).lockedUntil(*a).has_value();
        store::clearAttempts(c, u.username);
        env_.effects.auditIn(tx, {actor, "user.unlock", userTarget(u.username), "ok",
                                  detail({{"id", id}, {"wasLocked", wasLocked}})});
        result = view(c, std::move(u));
    });
    return result;
}

}  // namespace medbox::console
