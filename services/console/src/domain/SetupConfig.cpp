#include "domain/SetupConfig.h"

#include "core/config/Settings.h"

namespace medbox::console {

SetupConfig readSetupConfig(const Settings& s) {
    SetupConfig c;
    c.mode = s.choice("console.setup_wizard", "auto", {"auto", "required", "off"});
    c.helperSocket = s.str("console.setup_helper_socket", c.helperSocket);
    if (c.helperSocket.empty() || c.helperSocket[0] != '/' || c.helperSocket.size() > 100)
        throw ConfigError("console.setup_helper_socket: an absolute path of at most 100 bytes");
    c.linkDir = s.str("console.setup_link_dir", c.linkDir);
    c.managementEnv = s.str("console.setup_management_env", c.managementEnv);
    c.confirmSeconds = static_cast<int>(s.integer("console.setup_confirm_seconds", 60, 10, 600));
    // The same defaults as core/service/ServiceApp.cpp.
    const std::string dataDir = s.str("data.dir", "./data");
    c.certFile = s.str("tls.cert_file", dataDir + "/tls/console.crt");
    c.keyFile = s.str("tls.key_file", dataDir + "/tls/console.key");
    c.updateBundle = s.str("console.update_bundle", dataDir + "/updates/bundle.raucb");
    if (c.updateBundle.size() < 7 || c.updateBundle.substr(c.updateBundle.size() - 6) != ".raucb")
        throw ConfigError("console.update_bundle: a file name ending in .raucb");
    c.updateMaxBytes = s.integer("console.update_max_bytes", c.updateMaxBytes, 1 << 20, int64_t{64} << 30);
    c.updateInstallSeconds = static_cast<int>(s.integer("console.update_install_seconds", 1800, 60, 7200));
    c.updateBootIdFile = s.str("console.update_boot_id_file", c.updateBootIdFile);
    return c;
}

}  // namespace medbox::console
