#include "domain/ConsoleConfig.h"
#include "core/auth/Tokens.h"

#include "core/config/Settings.h"

namespace medbox::console {

ConsoleConfig readConsoleConfig(const Settings& s) {
    ConsoleConfig c;
    c.lockoutThreshold = static_cast<int>(s.integer("console.lockout_threshold", 5, 1, 100));
    c.lockoutMinutes = static_cast<int>(s.integer("console.lockout_minutes", 15, 1, 24 * 60));
    // Below a minute clients would refresh constantly; above a day a stolen
    // token outlives any reasonable shift.
    c.tokenTtlSeconds = static_cast<int>(s.integer("console.token_ttl_seconds", 900, 60, kLongestStaffTokenSeconds));
    // A sign-in ends this long after the password was typed, however busy
    // the page (refreshes stop there): 12 hours covers one long shift.
    c.sessionMaxSeconds = static_cast<int>(s.integer("console.session_max_seconds", 43'200, 300, 7 * 86'400));
    c.bootstrapAdminPassword = s.str("console.bootstrap_admin_password", "");
    c.totpIssuer = s.str("console.totp_issuer", "medbox");
    if (c.totpIssuer.empty() || c.totpIssuer.size() > 64 || c.totpIssuer.find(':') != std::string::npos) {
        throw ConfigError("console.totp_issuer: 1 to 64 characters, no ':'");
    }
    if (!c.bootstrapAdminPassword.empty()) {
        // Say why without echoing the value.
        const std::string why = password::checkPolicy(c.bootstrapAdminPassword);
        if (!why.empty()) throw ConfigError("console.bootstrap_admin_password: " + why);
    }
    return c;
}

}  // namespace medbox::console
