#include "store/UserStore.h"
#include "domain/AccountRules.h"

#include <algorithm>

namespace medbox::console {

bool UserRecord::hasRole(const std::string& r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

namespace store {

namespace {
const char* const kColumns =
    "id, username, display_name, password_hash, enabled, must_change_password, totp_secret, totp_enabled, "
    "totp_last_step, created_at_ms, updated_at_ms, last_login_at_ms, password_changed_at_ms";

UserRecord readUser(const db::Statement& st) {
    UserRecord u;
    u.id = st.i64(0);
    u.username = st.str(1);
    u.displayName = st.str(2);
    u.passwordHash = st.str(3);
    u.enabled = st.i64(4) != 0;
    u.mustChangePassword = st.i64(5) != 0;
    u.totpSecret = st.optStr(6);
    u.totpEnabled = st.i64(7) != 0;
    u.totpLastStep = st.optI64(8);
    u.createdAtMs = st.i64(9);
    u.updatedAtMs = st.i64(10);
    u.lastLoginAtMs = st.optI64(11);
    u.passwordChangedAtMs = st.i64(12);
    return u;
}

std::vector<std::string> rolesOf(db::Connection& c, int64_t id) {
    auto st = c.prepare("SELECT role FROM user_roles WHERE user_id = ? ORDER BY role");
    st.args(id);
    std::vector<std::string> roles;
    while (st.step()) roles.push_back(st.str(0));
    return roles;
}

}  // namespace

std::optional<UserRecord> findUserByName(db::Connection& c, const std::string& username) {
    std::optional<UserRecord> u;
    {
        auto st = c.prepare(std::string("SELECT ") + kColumns + " FROM users WHERE username = ?");
        st.args(username);
        if (st.step()) u = readUser(st);
    }
    if (u) u->roles = rolesOf(c, u->id);
    return u;
}

std::optional<UserRecord> findUser(db::Connection& c, int64_t id) {
    std::optional<UserRecord> u;
    {
        auto st = c.prepare(std::string("SELECT ") + kColumns + " FROM users WHERE id = ?");
        st.args(id);
        if (st.step()) u = readUser(st);
    }
    if (u) u->roles = rolesOf(c, u->id);
    return u;
}

std::vector<UserRecord> listUsers(db::Connection& c, int64_t afterId, int limit) {
    std::vector<UserRecord> out;
    {
        auto st = c.prepare(std::string("SELECT ") + kColumns + " FROM users WHERE id > ? ORDER BY id LIMIT ?");
        st.args(afterId, int64_t{limit});
        while (st.step()) out.push_back(readUser(st));
    }
    if (out.empty()) return out;
    // One query for all roles of the page instead of one per user.
    auto st = c.prepare("SELECT user_id, role FROM user_roles WHERE user_id BETWEEN ? AND ? ORDER BY user_id, role");
    st.args(out.front().id, out.back().id);
    size_t i = 0;
    while (st.step()) {
        const int64_t uid = st.i64(0);
        while (i < out.size() && out[i].id < uid) ++i;
        if (i < out.size() && out[i].id == uid) out[i].roles.push_back(st.str(1));
    }
    return out;
}

int64_t countUsers(db::Connection& c) {
    auto st = c.prepare("SELECT COUNT(*) FROM users");
    st.step();
    return st.i64(0);
}

int64_t countEnabledWithRole(db::Connection& c, const std::string& role) {
    auto st = c.prepare(
        "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = ? AND u.enabled = 1");
    st.args(role);
    st.step();
    return st.i64(0);
}

int64_t insertUser(db::Connection& c, const UserRecord& u) {
    c.prepare(
         "INSERT INTO users (username, display_name, password_hash, enabled, must_change_password, totp_secret, "
         "totp_enabled, totp_last_step, created_at_ms, updated_at_ms, last_login_at_ms, password_changed_at_ms) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .args(u.username, u.displayName, u.passwordHash, int64_t{u.enabled}, int64_t{u.mustChangePassword},
              u.totpSecret, int64_t{u.totpEnabled}, u.totpLastStep, u.createdAtMs, u.updatedAtMs, u.lastLoginAtMs,
              u.passwordChangedAtMs)
        .run();
    const int64_t id = c.lastInsertId();
    for (const auto& r : rules::sortedRoles(u.roles)) {
        c.prepare("INSERT INTO user_roles (user_id, role) VALUES (?, ?)").args(id, r).run();
    }
    return id;
}

void updateUser(db::Connection& c, const UserRecord& u, const std::vector<std::string>& previousRoles) {
    c.prepare(
         "UPDATE users SET display_name = ?, password_hash = ?, enabled = ?, must_change_password = ?, "
         "totp_secret = ?, totp_enabled = ?, totp_last_step = ?, updated_at_ms = ?, last_login_at_ms = ?, "
         "password_changed_at_ms = ? WHERE id = ?")
        .args(u.displayName, u.passwordHash, int64_t{u.enabled}, int64_t{u.mustChangePassword}, u.totpSecret,
              int64_t{u.totpEnabled}, u.totpLastStep, u.updatedAtMs, u.lastLoginAtMs, u.passwordChangedAtMs, u.id)
        .run();
    const auto next = rules::sortedRoles(u.roles);
    if (next == rules::sortedRoles(previousRoles)) return;
    // Only the difference: the replication changeset then says what changed.
    for (const auto& r : previousRoles) {
        if (!std::binary_search(next.begin(), next.end(), r)) {
            c.prepare("DELETE FROM user_roles WHERE user_id = ? AND role = ?").args(u.id, r).run();
        }
    }
    for (const auto& r : next) {
        if (std::find(previousRoles.begin(), previousRoles.end(), r) == previousRoles.end()) {
            c.prepare("INSERT INTO user_roles (user_id, role) VALUES (?, ?)").args(u.id, r).run();
        }
    }
}

std::optional<AttemptState> findAttempts(db::Connection& c, const std::string& username) {
    auto st = c.prepare("SELECT failures, last_failure_at_ms, locked_until_ms FROM login_attempts WHERE username = ?");
    st.args(username);
    if (!st.step()) return std::nullopt;
    AttemptState s;
    s.failures = static_cast<int>(st.i64(0));
    s.lastFailureMs = st.i64(1);
    s.lockedUntilMs = st.optI64(2);
    return s;
}

void saveAttempts(db::Connection& c, const std::string& username, const AttemptState& s) {
    // Delete-then-insert is portable (no UPSERT dialects) and cheap on a PK.
    c.prepare("DELETE FROM login_attempts WHERE username = ?").args(username).run();
    c.prepare(
         "INSERT INTO login_attempts (username, failures, last_failure_at_ms, locked_until_ms) VALUES (?, ?, ?, ?)")
        .args(username, int64_t{s.failures}, s.lastFailureMs, s.lockedUntilMs)
        .run();
}

void clearAttempts(db::Connection& c, const std::string& username) {
    c.prepare("DELETE FROM login_attempts WHERE username = ?").args(username).run();
}

void pruneAttempts(db::Connection& c, int64_t nowMs, int64_t staleBeforeMs) {
    c.prepare(
         "DELETE FROM login_attempts WHERE last_failure_at_ms < ? AND (locked_until_ms IS NULL OR locked_until_ms <= "
         "?)")
        .args(staleBeforeMs, nowMs)
        .run();
}

}  // namespace store
}  // namespace medbox::console
