#include "domain/ConsoleConfig.h"
#include "core/auth/Tokens.h"

#include "core/config/Settings.h"
#include "console/ServiceRow.h"
#include "medbox/ServiceTable.h"

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
    c.sampleSeconds = static_cast<int>(s.integer("console.sample_seconds", 60, 5, 3600));
    c.samplesKeepDays = static_cast<int>(s.integer("console.samples_keep_days", 7, 1, 366));
    if (s.has("console.sample_mounts")) {
        c.sampleMounts.clear();
        std::string list = s.str("console.sample_mounts", "");
        for (std::size_t start = 0; start <= list.size();) {
            const auto comma = std::min(list.find(',', start), list.size());
            const std::string mount = list.substr(start, comma - start);
            if (mount.empty() || mount[0] != '/' || mount.size() > 200) {
                throw ConfigError("console.sample_mounts: a comma-separated list of absolute paths");
            }
            c.sampleMounts.push_back(mount);
            start = comma + 1;
        }
    }
    for (const auto& row : service_table::kRows) {
        if (row.name == std::string_view(kServiceName)) continue;
        const std::string key = "console.peers." + std::string(row.name) + ".url";
        const std::string url = s.str(key, "https://127.0.0.1:" + std::to_string(row.port));
        if (!url.starts_with("https://") || url.size() > 200 || url.find_first_of(" \t\r\n") != std::string::npos) {
            throw ConfigError(key + ": expected https://HOST:PORT");
        }
        c.peerUrls.emplace_back(row.name, url);
    }
    c.peerCheckSeconds = static_cast<int>(s.integer("console.peer_check_seconds", 30, 5, 3600));
    c.setup = readSetupConfig(s);
    c.firewallTime = readFirewallTimeConfig(s);
    c.vendor = readVendorConfig(s);
    if (!c.bootstrapAdminPassword.empty()) {
        // Say why without echoing the value.
        const std::string why = password::checkPolicy(c.bootstrapAdminPassword);
        if (!why.empty()) throw ConfigError("console.bootstrap_admin_password: " + why);
    }
    return c;
}

}  // namespace medbox::console
