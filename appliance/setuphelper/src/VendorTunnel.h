#pragma once
// The helper's WireGuard verbs for vendor access windows (docs/console.md,
// "Vendor access"; docs/security.md). The console decides when a window is
// open; these verbs only do it, checking every argument again:
//
//   vendor-key   {}                        makes the appliance's key pair once
//                                          (/etc/medbox/vendor/wireguard.key, 0600,
//                                          folder 0700, root); answers {publicKey}.
//                                          The private key never leaves this file.
//   vendor-open  {interface, address, listenPort, peerKey, peerAddress, seconds}
//                                          (re)creates the WireGuard interface with
//                                          the vendor as its only peer (allowed-ips
//                                          peerAddress alone), then
//                                          medbox-firewall window open PEER/32 --seconds N:
//                                          the kernel closes the zone at the end by itself.
//   vendor-close {interface, peerAddress}  medbox-firewall window close, then the
//                                          interface (and the peer with it) is deleted.
//                                          Succeeds when nothing was open (the console
//                                          calls it at start and whenever a window ends).
//   vendor-state {interface}               {up}: whether the interface exists.
//
// The interface is the kernel's WireGuard (`ip link add NAME type wireguard`);
// where the kernel has no module, wireguard-go (Debian's userspace
// implementation, as wg-quick falls back to it) makes the same interface.
#include "SetupHelper.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace medbox::setuphelper {

// One vendor-* verb; the answer object ({"ok": true, ...}). Throws
// std::exception with the reason when refused or failed.
Poco::JSON::Object::Ptr handleVendor(const Options& opt, const std::string& verb, const Poco::JSON::Object::Ptr& rq);

// The checks, for tests: empty when acceptable, else the reason.
// A WireGuard public key: base64 of exactly 32 bytes (44 characters, '=' last).
std::string checkWireGuardKey(const std::string& key);

// A new private key (32 random bytes, clamped as X25519 wants) and the
// public key derived from it, both base64 as `wg` prints them.
struct KeyPair {
    std::string privateKey;
    std::string publicKey;
};
KeyPair makeKeyPair();
std::string publicKeyOf(const std::string& privateKeyBase64);

}  // namespace medbox::setuphelper
