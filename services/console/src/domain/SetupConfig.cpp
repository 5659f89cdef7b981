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
    return c;
}

}  // namespace medbox::console
