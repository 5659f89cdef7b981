#include "VendorTunnel.h"

#include "HelperIo.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace medbox::setuphelper {

namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

constexpr const char* kKeyFile = "/etc/medbox/vendor/wireguard.key";
// The firewall's own limit for a window (medbox-firewall window --seconds).
constexpr long kMaxWindowSeconds = 259'200;

std::string base64(const unsigned char* data, int n) {
    std::string out(static_cast<size_t>(4 * ((n + 2) / 3)) + 1, '\0');
    const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, n);
    out.resize(static_cast<size_t>(len));
    return out;
}

std::string text(const Object::Ptr& rq, const std::string& key, size_t maxLen) {
    if (!rq->has(key) || !rq->get(key).isString()) throw std::invalid_argument(key + " must be a string");
    auto s = rq->getValue<std::string>(key);
    if (s.empty() || s.size() > maxLen)
        throw std::invalid_argument(key + " must be 1.." + std::to_string(maxLen) + " bytes");
    return s;
}

long integer(const Object::Ptr& rq, const std::string& key, long min, long max) {
    if (!rq->has(key) || !rq->get(key).isInteger()) throw std::invalid_argument(key + " must be an integer");
    const long v = rq->getValue<long>(key);
    if (v < min || v > max)
        throw std::invalid_argument(key + " must be " + std::to_string(min) + ".." + std::to_string(max));
    return v;
}

void need(const std::string& why, const std::string& what) {
    if (!why.empty()) throw std::invalid_argument(what + " " + why);
}

std::string interfaceOf(const Object::Ptr& rq) {
    const auto name = text(rq, "interface", 15);
    need(checkNicName(name), "interface");
    return name;
}

// The peer's single tunnel address as the network the firewall's window set
// and WireGuard's allowed-ips take: ADDRESS/32 or ADDRESS/128.
std::string peerNetwork(const Object::Ptr& rq) {
    const auto ip = text(rq, "peerAddress", 45);
    need(checkIp(ip), "peerAddress");
    return ip + (ip.find(':') == std::string::npos ? "/32" : "/128");
}

bool interfaceExists(const std::string& name) { return ::if_nametoindex(name.c_str()) != 0; }

std::string keyPath(const Options& opt) { return (fs::path(opt.root) / fs::path(kKeyFile).relative_path()).string(); }

std::string readKeyFile(const Options& opt) {
    std::ifstream in(keyPath(opt));
    std::string key;
    in >> key;
    return key;
}

// The key pair, made on first use. The folder is root's alone; the file is
// written 0600 before the key goes in (writeFile creates it with that mode).
std::string ensureKey(const Options& opt) {
    if (fs::exists(keyPath(opt))) {
        const auto existing = readKeyFile(opt);
        if (checkWireGuardKey(existing).empty()) return publicKeyOf(existing);
        throw std::runtime_error(std::string(kKeyFile) + " is damaged; remove it to make a new key pair");
    }
    const auto dir = fs::path(keyPath(opt)).parent_path();
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
    const auto pair = makeKeyPair();
    writeFile(opt, kKeyFile, pair.privateKey + "\n", 0600);
    return pair.publicKey;
}

void createInterface(const Options& opt, const std::string& name) {
    try {
        run({opt.ip, "link", "add", name, "type", "wireguard"});
    } catch (const std::runtime_error& kernel) {
        // A kernel without the module (wg-quick falls back the same way).
        if (::access(opt.wireguardGo.c_str(), X_OK) != 0) throw;
        run({opt.wireguardGo, name});
    }
}

void deleteInterface(const Options& opt, const std::string& name) {
    if (interfaceExists(name)) run({opt.ip, "link", "del", name});
}

Object::Ptr ok() {
    Object::Ptr o = new Object;
    o->set("ok", true);
    return o;
}

Object::Ptr doOpen(const Options& opt, const Object::Ptr& rq) {
    const auto name = interfaceOf(rq);
    const auto address = text(rq, "address", 60);
    need(checkCidr(address), "address");
    const long port = integer(rq, "listenPort", 1, 65535);
    const auto peerKey = text(rq, "peerKey", 44);
    need(checkWireGuardKey(peerKey), "peerKey");
    const auto peer = peerNetwork(rq);
    const long seconds = integer(rq, "seconds", 1, kMaxWindowSeconds);
    ensureKey(opt);
    // --files-only (tests of the console on a host): the firewall call only.
    if (!opt.live) {
        run({opt.firewall, "window", "open", peer, "--seconds", std::to_string(seconds)});
        return ok();
    }
    // A fresh interface each time: exactly one peer, nothing left over.
    deleteInterface(opt, name);
    createInterface(opt, name);
    try {
        run({opt.wg, "set", name, "private-key", keyPath(opt), "listen-port", std::to_string(port), "peer", peerKey,
             "allowed-ips", peer});
        run({opt.ip, "address", "add", address, "dev", name});
        run({opt.ip, "link", "set", name, "up"});
        run({opt.firewall, "window", "open", peer, "--seconds", std::to_string(seconds)});
    } catch (...) {
        deleteInterface(opt, name);
        throw;
    }
    return ok();
}

Object::Ptr doClose(const Options& opt, const Object::Ptr& rq) {
    const auto name = interfaceOf(rq);
    const auto peer = peerNetwork(rq);
    // The tunnel goes even if the firewall refuses: without it the zone has
    // no traffic, and the window's own timeout still ends the set element.
    std::string firewallError;
    try {
        run({opt.firewall, "window", "close", peer});
    } catch (const std::runtime_error& e) {
        firewallError = e.what();
    }
    if (opt.live) deleteInterface(opt, name);
    auto answer = ok();
    // Closing a window that is not open (the kernel ended it, or nothing was
    // ever opened) is the normal case at console start: reported, not failed.
    if (!firewallError.empty()) answer->set("firewall", firewallError);
    return answer;
}

}  // namespace

std::string checkWireGuardKey(const std::string& key) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    // 32 bytes = 43 characters, the last carrying 4 bits (so its low 2 bits
    // are zero), then one '='.
    if (key.size() != 44 || key[43] != '=') return "is not a WireGuard key (base64 of 32 bytes)";
    for (size_t i = 0; i < 43; ++i)
        if (alphabet.find(key[i]) == std::string::npos) return "is not a WireGuard key (base64 of 32 bytes)";
    if (alphabet.find(key[42]) % 4 != 0) return "is not a WireGuard key (base64 of 32 bytes)";
    return {};
}

KeyPair makeKeyPair() {
    unsigned char priv[32];
    if (RAND_bytes(priv, sizeof priv) != 1) throw std::runtime_error("no random bytes for the key");
    // Clamped as Curve25519 private keys are (what `wg genkey` does).
    priv[0] &= 248;
    priv[31] = static_cast<unsigned char>((priv[31] & 127) | 64);
    KeyPair pair;
    pair.privateKey = base64(priv, 32);
    OPENSSL_cleanse(priv, sizeof priv);
    pair.publicKey = publicKeyOf(pair.privateKey);
    return pair;
}

std::string publicKeyOf(const std::string& privateKeyBase64) {
    if (!checkWireGuardKey(privateKeyBase64).empty()) throw std::invalid_argument("not a WireGuard private key");
    unsigned char raw[33];  // EVP_DecodeBlock writes 33 bytes for 44 characters
    if (EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(privateKeyBase64.data()), 44) != 33)
        throw std::invalid_argument("not a WireGuard private key");
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, raw,
                                                                                         32),
                                                            EVP_PKEY_free);
    OPENSSL_cleanse(raw, sizeof raw);
    unsigned char pub[32];
    size_t len = sizeof pub;
    if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub, &len) != 1 || len != 32)
        throw std::runtime_error("cannot derive the public key");
    return base64(pub, 32);
}

Object::Ptr handleVendor(const Options& opt, const std::string& verb, const Object::Ptr& rq) {
    if (verb == "vendor-key") {
        auto answer = ok();
        answer->set("publicKey", ensureKey(opt));
        return answer;
    }
    if (verb == "vendor-open") return doOpen(opt, rq);
    if (verb == "vendor-close") return doClose(opt, rq);
    if (verb == "vendor-state") {
        auto answer = ok();
        answer->set("up", interfaceExists(interfaceOf(rq)));
        return answer;
    }
    throw std::invalid_argument("unknown verb " + verb.substr(0, 40));
}

}  // namespace medbox::setuphelper
