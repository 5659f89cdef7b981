#pragma once
// The console.setup_* keys: the first-boot wizard (docs/console.md, "Setup
// wizard"). Read with the other console keys by readConsoleConfig().
#include <cstdint>
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
    // Updates from the console (docs/update.md, "From the console").
    // console.update_bundle: where an uploaded bundle is kept, the one file
    // the helper's update-install verb installs (default <data.dir>/updates/bundle.raucb).
    std::string updateBundle{};
    // console.update_max_bytes: the largest bundle accepted (default 4 GiB).
    int64_t updateMaxBytes = int64_t{4} << 30;
    // console.update_install_seconds: how long an install may take.
    int updateInstallSeconds = 1800;
    // console.update_boot_id_file: tells one boot from the next (tests point
    // it at a file they change to play a reboot).
    std::string updateBootIdFile = "/proc/sys/kernel/random/boot_id";
};

SetupConfig readSetupConfig(const Settings& settings);

}  // namespace medbox::console
