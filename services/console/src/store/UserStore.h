#pragma once
// SQL for staff accounts, their roles and the failed-login counters. Portable
// SQL only (the PostgreSQL move keeps this interface). Free functions: every call
// takes the connection to run on — a reader for queries, tx.conn() inside
// Database::write() for changes and for reads that must see the transaction.
#include "core/db/Database.h"
#include "domain/LoginPolicy.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

struct UserRecord {
    int64_t id = 0;
    std::string username;
    std::string displayName;
    std::string passwordHash;
    std::vector<std::string> roles;  // sorted
    bool enabled = true;
    bool mustChangePassword = false;
    std::optional<std::string> totpSecret;  // base32
    bool totpEnabled = false;
    std::optional<int64_t> totpLastStep;
    int64_t createdAtMs = 0;
    int64_t updatedAtMs = 0;
    std::optional<int64_t> lastLoginAtMs;
    int64_t passwordChangedAtMs = 0;

    bool hasRole(const std::string& r) const;
};

namespace store {

std::optional<UserRecord> findUserByName(db::Connection& c, const std::string& username);
std::optional<UserRecord> findUser(db::Connection& c, int64_t id);
// Ordered by id, ids greater than afterId.
std::vector<UserRecord> listUsers(db::Connection& c, int64_t afterId, int limit);
int64_t countUsers(db::Connection& c);
int64_t countEnabledWithRole(db::Connection& c, const std::string& role);

// Inserts the user and its roles; returns the new id.
int64_t insertUser(db::Connection& c, const UserRecord& u);
// Writes every mutable column of u (by u.id); replaces the roles when
// they differ from `previousRoles`.
void updateUser(db::Connection& c, const UserRecord& u, const std::vector<std::string>& previousRoles);

std::optional<AttemptState> findAttempts(db::Connection& c, const std::string& username);
void saveAttempts(db::Connection& c, const std::string& username, const AttemptState& s);
void clearAttempts(db::Connection& c, const std::string& username);
// Forgets counters with no lock in force and no failure since staleBeforeMs.
void pruneAttempts(db::Connection& c, int64_t nowMs, int64_t staleBeforeMs);

}  // namespace store

}  // namespace medbox::console
