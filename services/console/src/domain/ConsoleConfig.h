#pragma once
// The console's configuration: every console.* key is read here
// (config/console.properties and docs/console.md document them), once at
// start by ConsoleApp::configure(); immutable afterwards.
#include "core/auth/Password.h"
#include "domain/FirewallTimeConfig.h"
#include "domain/SetupConfig.h"
#include "domain/VendorConfig.h"
#include <utility>
#include <string>
#include <vector>

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
    int sampleSeconds = 60;              // console.sample_seconds: the overview's sampling period
    int samplesKeepDays = 7;             // console.samples_keep_days
    // console.sample_mounts: file systems whose use the overview charts.
    std::vector<std::string> sampleMounts{"/", "/var/lib/medbox", "/var/log"};
    // console.peers.<service>.url for every other service of the table:
    // where the overview asks for readiness and backlog (default
    // https://127.0.0.1:<its port>: every service runs on the appliance).
    std::vector<std::pair<std::string, std::string>> peerUrls;  // table order
    int peerCheckSeconds = 30;                                  // console.peer_check_seconds
    SetupConfig setup{};                                        // console.setup_* (the first-boot wizard)
    FirewallTimeConfig firewallTime{};  // console.firewall_*, console.time*: the firewall page and time panel
    VendorConfig vendor{};              // console.vendor.* (vendor access windows)
    // The KDF parameters for new hashes; not a configuration key (changing
    // them is a code review decision) but lowered by unit tests for speed.
    password::Params kdf{};
};

// Throws ConfigError naming the key for a bad value (including a bootstrap
// password the policy refuses).
ConsoleConfig readConsoleConfig(const Settings& settings);

}  // namespace medbox::console
