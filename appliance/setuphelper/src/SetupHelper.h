#pragma once
// medbox-setup-helper: the console's narrow privileged helper for the
// first-boot wizard (docs/console.md, "The privileged helper"). Runs as root,
// one request per connection (socket activation, Accept=yes), a fixed set of
// verbs; every argument is checked here again, whatever the console checked:
// the helper trusts only the socket's file mode (the console's user alone
// may connect), not the caller's input.
//
// Verbs (request {"verb": ..., args}; answer {"ok": true} or {"ok": false, "error"}):
//   hostname        {hostname}          /etc/hostname; live: hostnamectl (systemd-hostnamed over D-Bus)
//   time            {servers: [..]}     /etc/systemd/timesyncd.conf.d/50-medbox.conf; live: restart timesyncd
//   network-write   {interfaces: [..]}  /etc/systemd/network/50-medbox-<nic>.network (the management
//                                       NIC's file keeps the image's name 50-medbox-management.network)
//   network-reload  {}                  live: networkctl reload
//   firewall-apply  {profile, confirmSeconds}  /etc/medbox/firewall/wizard.json, then
//                                       medbox-firewall apply FILE --confirm-within N
//   firewall-confirm {}                 medbox-firewall confirm
//   firewall-state  {}                  read-only: active.json, the pending change, status --json,
//                                       the last revert's log (the console's firewall page)
//   firewall-check  {profile}           /etc/medbox/firewall/draft.json, medbox-firewall check FILE:
//                                       {valid, output}
//   firewall-revert {}                  medbox-firewall revert (the pending change, now)
//   vendor-key, vendor-open, vendor-close, vendor-state: VendorTunnel.h
//   enable-services {}                  live: systemctl enable --now systemd-timesyncd.service,
//                                       systemctl start medbox.target
//   update-status, update-install, update-reboot: UpdateVerbs.h
#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>
#include <vector>

namespace medbox::setuphelper {

struct Options {
    // Files are written under root ("/" on the appliance; a temporary folder
    // in tests).
    std::string root = "/";
    // Programs the verbs run, by absolute path (tests point them at fakes).
    std::string hostnamectl = "/usr/bin/hostnamectl";
    std::string systemctl = "/usr/bin/systemctl";
    std::string networkctl = "/usr/bin/networkctl";
    std::string firewall = "/usr/sbin/medbox-firewall";
    std::string rauc = "/usr/bin/rauc";
    // The one bundle update-install installs: the console's upload folder
    // (its StateDirectory), a fixed name.
    std::string updateBundle = "/var/lib/medbox/console/updates/bundle.raucb";
    std::string ip = "/sbin/ip";  // iproute2 ships /bin/ip and this link
    std::string wg = "/usr/bin/wg";
    std::string wireguardGo = "/usr/bin/wireguard-go";
    // Run the live part (hostnamectl, systemctl, networkctl); off writes files only.
    bool live = true;
};

// A request is a few KiB at most; the reader stops buffering here.
inline constexpr size_t kMaxRequest = 256 * 1024;

// One request line in, one answer object out; never throws.
Poco::JSON::Object::Ptr handle(const Options& options, const std::string& requestLine);

// The bytes read from the socket (up to the first newline, at most
// kMaxRequest) in, the answer line out; never throws.
std::string serve(const Options& options, std::string_view bytes);

// The checks, exposed for tests: empty when acceptable, else the reason.
std::string checkHostname(const std::string& name);
std::string checkNicName(const std::string& name);
std::string checkIp(const std::string& ip);
std::string checkCidr(const std::string& cidr);
std::string checkServer(const std::string& server);

}  // namespace medbox::setuphelper
