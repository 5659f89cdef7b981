#include "store/AccountSettingsStore.h"

namespace medbox::console::store {

std::map<std::string, int64_t> accountSettings(db::Connection& c) {
    std::map<std::string, int64_t> out;
    auto st = c.prepare("SELECT name, value FROM account_settings");
    while (st.step()) out[st.str(0)] = st.i64(1);
    return out;
}

void saveAccountSetting(db::Connection& c, const std::string& name, int64_t value, int64_t nowMs) {
    // Delete-then-insert: portable, no UPSERT dialects.
    c.prepare("DELETE FROM account_settings WHERE name = ?").args(name).run();
    c.prepare("INSERT INTO account_settings (name, value, updated_at_ms) VALUES (?, ?, ?)")
        .args(name, value, nowMs)
        .run();
}

std::vector<std::string> passwordHistory(db::Connection& c, int64_t userId, int limit) {
    std::vector<std::string> out;
    auto st = c.prepare("SELECT password_hash FROM password_history WHERE user_id = ? ORDER BY id DESC LIMIT ?");
    st.args(userId, int64_t{limit});
    while (st.step()) out.push_back(st.str(0));
    return out;
}

void pushPasswordHistory(db::Connection& c, int64_t userId, const std::string& hash, int64_t nowMs, int keep) {
    c.prepare("INSERT INTO password_history (user_id, password_hash, replaced_at_ms) VALUES (?, ?, ?)")
        .args(userId, hash, nowMs)
        .run();
    c.prepare(
         "DELETE FROM password_history WHERE user_id = ? AND id NOT IN "
         "(SELECT id FROM password_history WHERE user_id = ? ORDER BY id DESC LIMIT ?)")
        .args(userId, userId, int64_t{keep})
        .run();
}

}  // namespace medbox::console::store
