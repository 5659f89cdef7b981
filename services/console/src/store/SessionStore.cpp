#include "store/SessionStore.h"

namespace medbox::console::store {

namespace {
const char* const kSelect =
    "SELECT s.id, s.username, s.started_at_ms, s.last_used_at_ms, s.address, s.user_agent, s.ended_at_ms, "
    "MAX(t.expires_ms), MAX(t.issued_at_ms) FROM staff_sessions s JOIN session_tokens t ON t.session_id = s.id ";

SessionRow readSession(const db::Statement& st) {
    SessionRow s;
    s.id = st.i64(0);
    s.username = st.str(1);
    s.startedAtMs = st.i64(2);
    s.lastUsedAtMs = st.i64(3);
    s.address = st.str(4);
    s.userAgent = st.str(5);
    s.endedAtMs = st.optI64(6);
    s.expiresMs = st.i64(7);
    s.lastIssuedAtMs = st.i64(8);
    return s;
}
}  // namespace

int64_t insertSession(db::Connection& c, const SessionRow& s) {
    c.prepare(
         "INSERT INTO staff_sessions (username, started_at_ms, last_used_at_ms, address, user_agent) "
         "VALUES (?, ?, ?, ?, ?)")
        .args(s.username, s.startedAtMs, s.lastUsedAtMs, s.address, s.userAgent)
        .run();
    return c.lastInsertId();
}

void addSessionToken(db::Connection& c, int64_t sessionId, const std::string& jti, int64_t issuedAtMs,
                     int64_t expiresMs) {
    c.prepare("INSERT INTO session_tokens (jti, session_id, issued_at_ms, expires_ms) VALUES (?, ?, ?, ?)")
        .args(jti, sessionId, issuedAtMs, expiresMs)
        .run();
}

std::optional<int64_t> sessionOfToken(db::Connection& c, const std::string& jti) {
    auto st = c.prepare("SELECT session_id FROM session_tokens WHERE jti = ?");
    st.args(jti);
    if (!st.step()) return std::nullopt;
    return st.i64(0);
}

std::optional<SessionRow> findSession(db::Connection& c, int64_t id) {
    auto st = c.prepare(std::string(kSelect) + "WHERE s.id = ? GROUP BY s.id");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readSession(st);
}

std::vector<SessionRow> openSessions(db::Connection& c, int64_t nowMs, const std::optional<std::string>& username) {
    std::vector<SessionRow> out;
    auto st = c.prepare(std::string(kSelect) + "WHERE s.ended_at_ms IS NULL" + (username ? " AND s.username = ?" : "") +
                        " GROUP BY s.id HAVING MAX(t.expires_ms) > ? ORDER BY s.started_at_ms DESC, s.id DESC");
    if (username)
        st.args(*username, nowMs);
    else
        st.args(nowMs);
    while (st.step()) out.push_back(readSession(st));
    return out;
}

std::vector<SessionToken> unexpiredTokens(db::Connection& c, int64_t sessionId, int64_t nowMs) {
    std::vector<SessionToken> out;
    auto st = c.prepare("SELECT jti, expires_ms FROM session_tokens WHERE session_id = ? AND expires_ms > ?");
    st.args(sessionId, nowMs);
    while (st.step()) out.push_back({st.str(0), st.i64(1)});
    return out;
}

void touchSession(db::Connection& c, int64_t id, int64_t nowMs) {
    c.prepare("UPDATE staff_sessions SET last_used_at_ms = ? WHERE id = ?").args(nowMs, id).run();
    // Its expired tokens can no longer be used nor need revoking.
    c.prepare("DELETE FROM session_tokens WHERE session_id = ? AND expires_ms <= ?").args(id, nowMs).run();
}

void endSession(db::Connection& c, int64_t id, int64_t nowMs, const std::string& reason) {
    c.prepare("UPDATE staff_sessions SET ended_at_ms = ?, end_reason = ? WHERE id = ? AND ended_at_ms IS NULL")
        .args(nowMs, reason, id)
        .run();
}

void purgeDeadSessions(db::Connection& c, int64_t nowMs) {
    c.prepare(
         "DELETE FROM staff_sessions WHERE NOT EXISTS "
         "(SELECT 1 FROM session_tokens t WHERE t.session_id = staff_sessions.id AND t.expires_ms > ?)")
        .args(nowMs)
        .run();
}

}  // namespace medbox::console::store
