#pragma once
// The console.setup_* keys: the first-boot wizard (docs/console.md, "Setup
// wizard"). Read with the other console keys by readConsoleConfig().
#include <string>

namespace medbox {
class Settings;
}

namespace medbox::console {

struct SetupConfig {
    // console.setup_wizard: auto (armed when the first admin gets a random
    // one-time password: a freshly installed appliance), required, off.
    std::string mode = "auto";
    // console.setup_helper_socket: the privileged helper (medbox-setup-helper.socket).
    std::string helperSocket = "/run/medbox-setup-helper.sock";
    // console.setup_link_dir: where the image's per-profile NIC names are
    // (10-medbox-<role><n>.link): the NICs the network step offers.
    std::string linkDir = "/usr/lib/systemd/network";
    // console.setup_management_env: the image's MEDBOX_MANAGEMENT_NIC=<nic>
    // (the NIC the boot firewall opens); without it, the NIC of role mgmt.
    std::string managementEnv = "/usr/share/medbox/management.env";
    // console.setup_confirm_seconds: the firewall's confirm-or-revert window.
    int confirmSeconds = 60;
    // tls.cert_file / tls.key_file as the core serves them: where an
    // uploaded certificate is installed.
    std::string certFile{};
    std::string keyFile{};
};

SetupConfig readSetupConfig(const Settings& settings);

}  // namespace medbox::console
