// Accounts, the password rules and lockout settings: reading them (stored
// values over the defaults), an admin changing them (audited), and the
// history check of a password change.
#include "domain/Accounts.h"
#include "domain/AuditDetail.h"

#include "core/auth/Password.h"
#include "domain/AccountRules.h"
#include "store/AccountSettingsStore.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

namespace medbox::console {

PasswordRules Accounts::rulesIn(db::Connection& c) const {
    PasswordRules r;
    // The lockout keys of console.properties are the defaults until an
    // admin sets a value in the console.
    r.lockoutThreshold = env_.config.lockoutThreshold;
    r.lockoutMinutes = env_.config.lockoutMinutes;
    const auto stored = store::accountSettings(c);
    for (const auto& f : password_rules::fields()) {
        auto it = stored.find(f.name);
        // A value outside today's bounds (bounds tightened by an update)
        // gives way to the default rather than loosening the rules.
        if (it != stored.end() && it->second >= f.min && it->second <= f.max)
            r.*f.member = static_cast<int>(it->second);
    }
    return r;
}

LoginPolicy Accounts::lockoutIn(db::Connection& c) const {
    const auto r = rulesIn(c);
    return LoginPolicy(env_.clock, r.lockoutThreshold, r.lockoutMinutes);
}

PasswordRules Accounts::passwordRules() {
    return env_.db.read([&](db::Connection& c) { return rulesIn(c); });
}

PasswordRules Accounts::setPasswordRules(const std::string& actor, const PasswordRules& next) {
    std::string field;
    const std::string why = password_rules::validate(next, &field);
    if (!why.empty()) throw AppError(Err::InvalidField, why, field);
    PasswordRules result;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const auto before = rulesIn(c);
        const int64_t now = env_.clock.nowMs();
        Poco::JSON::Object changes;
        for (const auto& f : password_rules::fields()) {
            // Every value is stored, so a later change of a default in code
            // does not move what the admin saw and saved.
            store::saveAccountSetting(c, f.name, next.*f.member, now);
            if (before.*f.member != next.*f.member) {
                Poco::JSON::Object pair;
                pair.set("from", before.*f.member);
                pair.set("to", next.*f.member);
                changes.set(f.name, pair);
            }
        }
        std::ostringstream d;
        changes.stringify(d);
        env_.effects.auditIn(tx, {actor, "settings.password_rules", "settings:password_rules", "ok", d.str()});
        result = rulesIn(c);
    });
    return result;
}

void Accounts::requireNotReused(const PasswordRules& r, const std::vector<std::string>& hashes,
                                const std::string& password, const std::string& field) const {
    const size_t n = std::min(hashes.size(), static_cast<size_t>(std::max(0, r.historyCount - 1)));
    for (size_t i = 0; i < n; ++i) {
        if (password::verify(password, hashes[i])) {
            rules::require("must not be one of the last " + std::to_string(r.historyCount) + " passwords", field);
        }
    }
}

}  // namespace medbox::console
