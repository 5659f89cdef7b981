#pragma once
// SQL for totp_recovery_codes (migrations/0008). Portable SQL only.
#include "core/db/Database.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console::store {

// Replaces every code of the user by these hashes.
void replaceRecoveryCodes(db::Connection& c, int64_t userId, const std::vector<std::string>& hashes, int64_t nowMs);
void deleteRecoveryCodes(db::Connection& c, int64_t userId);
// The id of the user's unused code with this hash, if any.
std::optional<int64_t> findUnusedRecoveryCode(db::Connection& c, int64_t userId, const std::string& hash);
// Marks it used; false when it was used meanwhile.
bool useRecoveryCode(db::Connection& c, int64_t id, int64_t nowMs);
int64_t unusedRecoveryCodes(db::Connection& c, int64_t userId);

}  // namespace medbox::console::store
