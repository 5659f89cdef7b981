#include "domain/PasswordRules.h"

#include "core/auth/Password.h"
#include "domain/AccountRules.h"

namespace medbox::console::password_rules {

const std::vector<RuleField>& fields() {
    static const std::vector<RuleField> f = {
        {"minLength", 10, 64, &PasswordRules::minLength},
        {"minClasses", 3, 4, &PasswordRules::minClasses},
        // 1: only the current password is refused (a change must change it).
        {"historyCount", 1, 24, &PasswordRules::historyCount},
        // 0: no expiry; at most a year.
        {"maxAgeDays", 0, 365, &PasswordRules::maxAgeDays},
        // Up to 10: MLPS wants a lock after a few failures, not dozens.
        {"lockoutThreshold", 3, 10, &PasswordRules::lockoutThreshold},
        {"lockoutMinutes", 1, 1440, &PasswordRules::lockoutMinutes},
    };
    return f;
}

std::string validate(const PasswordRules& r, std::string* field) {
    for (const auto& f : fields()) {
        const int v = r.*f.member;
        if (v < f.min || v > f.max) {
            if (field) *field = f.name;
            return std::string(f.name) + ": must be between " + std::to_string(f.min) + " and " + std::to_string(f.max);
        }
    }
    return {};
}

std::string check(const PasswordRules& r, const std::string& password, const std::string& username) {
    // The floor first: its wording covers the common case.
    std::string why = rules::checkNewPassword(password, username);
    if (!why.empty()) return why;
    if (medbox::password::charCount(password) < static_cast<size_t>(r.minLength))
        return "must be at least " + std::to_string(r.minLength) + " characters long";
    if (medbox::password::charClasses(password) < r.minClasses) {
        return "must mix at least " + std::to_string(r.minClasses) +
               " of: lower-case letters, upper-case letters, digits, other characters";
    }
    return {};
}

bool expired(const PasswordRules& r, int64_t changedAtMs, int64_t nowMs) {
    if (r.maxAgeDays <= 0) return false;
    return nowMs - changedAtMs >= int64_t{r.maxAgeDays} * 86'400'000;
}

}  // namespace medbox::console::password_rules
