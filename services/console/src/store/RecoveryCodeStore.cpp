#include "store/RecoveryCodeStore.h"

namespace medbox::console::store {

void replaceRecoveryCodes(db::Connection& c, int64_t userId, const std::vector<std::string>& hashes, int64_t nowMs) {
    deleteRecoveryCodes(c, userId);
    for (const auto& h : hashes) {
        c.prepare("INSERT INTO totp_recovery_codes (user_id, code_hash, created_at_ms) VALUES (?, ?, ?)")
            .args(userId, h, nowMs)
            .run();
    }
}

void deleteRecoveryCodes(db::Connection& c, int64_t userId) {
    c.prepare("DELETE FROM totp_recovery_codes WHERE user_id = ?").args(userId).run();
}

std::optional<int64_t> findUnusedRecoveryCode(db::Connection& c, int64_t userId, const std::string& hash) {
    auto st = c.prepare(
        "SELECT id FROM totp_recovery_codes WHERE user_id = ? AND code_hash = ? AND used_at_ms IS NULL");
    st.args(userId, hash);
    if (!st.step()) return std::nullopt;
    return st.i64(0);
}

bool useRecoveryCode(db::Connection& c, int64_t id, int64_t nowMs) {
    c.prepare("UPDATE totp_recovery_codes SET used_at_ms = ? WHERE id = ? AND used_at_ms IS NULL")
        .args(nowMs, id)
        .run();
    return c.changes() > 0;
}

int64_t unusedRecoveryCodes(db::Connection& c, int64_t userId) {
    auto st = c.prepare("SELECT COUNT(*) FROM totp_recovery_codes WHERE user_id = ? AND used_at_ms IS NULL");
    st.args(userId);
    st.step();
    return st.i64(0);
}

}  // namespace medbox::console::store
