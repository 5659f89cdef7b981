#pragma once
// The console's configuration: every console.* key is read here
// (config/console.properties and docs/console.md document them), once at
// start by ConsoleApp::configure(); immutable afterwards.
#include "core/auth/Password.h"
#include <string>

namespace medbox {
class Settings;
}

namespace medbox::console {

struct ConsoleConfig {
    int lockoutThreshold = 5;            // console.lockout_threshold
    int lockoutMinutes = 15;             // console.lockout_minutes
    int tokenTtlSeconds = 900;           // console.token_ttl_seconds (also the idle limit of a page's session)
    int sessionMaxSeconds = 43'200;      // console.session_max_seconds: a sign-in's absolute age limit
    std::string bootstrapAdminPassword;  // console.bootstrap_admin_password (tests, dev `up`)
    std::string totpIssuer = "medbox";   // console.totp_issuer: the label authenticator apps show
    // The KDF parameters for new hashes; not a configuration key (changing
    // them is a code review decision) but lowered by unit tests for speed.
    password::Params kdf{};
};

// Throws ConfigError naming the key for a bad value (including a bootstrap
// password the policy refuses).
ConsoleConfig readConsoleConfig(const Settings& settings);

}  // namespace medbox::console
