#pragma once
// SQL for account_settings and password_history (migrations/0006). Portable
// SQL only; free functions on the connection they are given.
#include "core/db/Database.h"
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace medbox::console::store {

// Every stored setting by name (settings without a row keep their default).
std::map<std::string, int64_t> accountSettings(db::Connection& c);
void saveAccountSetting(db::Connection& c, const std::string& name, int64_t value, int64_t nowMs);

// The user's earlier password hashes, newest first, at most `limit`.
std::vector<std::string> passwordHistory(db::Connection& c, int64_t userId, int limit);
// Keeps `hash` (the one being replaced) and drops all but the newest `keep` rows of the user.
void pushPasswordHistory(db::Connection& c, int64_t userId, const std::string& hash, int64_t nowMs, int keep);

}  // namespace medbox::console::store
