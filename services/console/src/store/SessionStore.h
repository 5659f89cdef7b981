#pragma once
// SQL for staff_sessions and session_tokens (migrations/0007). Portable SQL
// only; free functions on the connection they are given.
#include "core/db/Database.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

struct SessionRow {
    int64_t id = 0;
    std::string username;
    int64_t startedAtMs = 0;
    int64_t lastUsedAtMs = 0;
    std::string address;
    std::string userAgent;
    std::optional<int64_t> endedAtMs;
    int64_t expiresMs = 0;       // of its newest token
    int64_t lastIssuedAtMs = 0;  // iat of its newest token
};

struct SessionToken {
    std::string jti;
    int64_t expiresMs = 0;
};

namespace store {

int64_t insertSession(db::Connection& c, const SessionRow& s);
void addSessionToken(db::Connection& c, int64_t sessionId, const std::string& jti, int64_t issuedAtMs,
                     int64_t expiresMs);
// The session a token belongs to, if it was recorded.
std::optional<int64_t> sessionOfToken(db::Connection& c, const std::string& jti);
std::optional<SessionRow> findSession(db::Connection& c, int64_t id);
// Sessions not ended with a token unexpired at nowMs (all users, or one), newest first.
std::vector<SessionRow> openSessions(db::Connection& c, int64_t nowMs, const std::optional<std::string>& username);
std::vector<SessionToken> unexpiredTokens(db::Connection& c, int64_t sessionId, int64_t nowMs);
void touchSession(db::Connection& c, int64_t id, int64_t nowMs);
void endSession(db::Connection& c, int64_t id, int64_t nowMs, const std::string& reason);
// Forgets sessions none of whose tokens is valid at nowMs any more (nothing can use them).
void purgeDeadSessions(db::Connection& c, int64_t nowMs);

}  // namespace store

}  // namespace medbox::console
