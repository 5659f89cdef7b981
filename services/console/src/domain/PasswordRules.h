#pragma once
// The password rules and lockout settings an admin may change at run time
// (MLPS 2.0 level 3: length, character classes, history, expiry, lockout;
// docs/security.md "Password rules" gives the defaults and why). Pure
// functions over a value; the values live in account_settings
// (store/SettingsStore) and Accounts applies them.
#include <cstdint>
#include <string>
#include <vector>

namespace medbox::console {

struct PasswordRules {
    int minLength = 10;        // characters (code points), not bytes
    int minClasses = 3;        // of: lower-case, upper-case, digits, other
    int historyCount = 5;      // a change may not reuse the current or the 4 before it
    int maxAgeDays = 90;       // then the next sign-in must change it; 0: never
    int lockoutThreshold = 5;  // consecutive failures that lock the name
    int lockoutMinutes = 15;   // how long the lock lasts

    bool operator==(const PasswordRules&) const = default;
};

// One setting: its stored name, its bounds, and where it lives in the struct.
struct RuleField {
    const char* name;  // API field and account_settings.name
    int min;
    int max;
    int PasswordRules::*member;
};

// Earlier hashes kept per account: enough for the largest historyCount (24,
// the current password plus 23 before it), so raising it takes effect at once.
inline constexpr int kKeptPasswordHashes = 23;

namespace password_rules {

// Every setting with its bounds. The floors are the code's own policy
// (core/auth/Password's checkPolicy: 10 characters, 3 classes), so an admin
// can tighten the rules but never loosen them below it.
const std::vector<RuleField>& fields();

// Empty when every value is inside its bounds, else "<field>: reason"
// naming the first one outside (*field receives its name).
std::string validate(const PasswordRules& r, std::string* field = nullptr);

// Empty when `password` is acceptable for `username` under `r`, else the reason.
// Includes the core's floor policy (no single repeated character).
std::string check(const PasswordRules& r, const std::string& password, const std::string& username);

// True when a password set at changedAtMs has expired at nowMs.
bool expired(const PasswordRules& r, int64_t changedAtMs, int64_t nowMs);

}  // namespace password_rules

}  // namespace medbox::console
