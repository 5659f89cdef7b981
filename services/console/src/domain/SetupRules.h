#pragma once
// Validation of the setup wizard's answers (docs/console.md, "Setup wizard"),
// as pure functions shared by the console and its tests. The privileged
// helper (appliance/setuphelper) checks the same shapes again on its side.
// Each check returns an empty string when the value is acceptable, else the
// reason, worded for an API error message.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::console::setup {

// RFC 1123 host name: labels of 1..63 ASCII letters, digits and '-', not
// starting or ending with '-', joined by '.', at most 253 characters.
std::string checkHostname(std::string_view name);
// An IPv4 or IPv6 address (no prefix, no zone).
std::string checkAddress(std::string_view ip);
bool isIpv6(std::string_view ip);
// ADDRESS/PREFIX for an interface: a host address (not the network's own
// address or IPv4 broadcast for prefixes below /31), prefix 8..32 (IPv4) or
// 16..128 (IPv6).
std::string checkInterfaceCidr(std::string_view cidr);
// A network for an allow list: ADDRESS/PREFIX with no host bits set.
std::string checkNetworkCidr(std::string_view cidr);
// The gateway sits inside the interface's network (same family).
std::string checkGatewayIn(std::string_view gateway, std::string_view interfaceCidr);
// A time server: a host name or an IP address.
std::string checkNtpServer(std::string_view server);
// A TCP port 1..65535.
std::string checkPort(long long port);

// A certificate chain (leaf first) with its private key, as uploaded.
struct CertificateCheck {
    std::string error;  // empty when acceptable
    std::string field;  // "certificate" or "key" for the error
    std::string subject;
    std::vector<std::string> names;  // DNS and IP subject alternative names
    std::string sha256;              // leaf fingerprint, hex with ':'
    std::string notAfter;            // ISO 8601 UTC
};
// Parses both PEM texts; refuses a key that does not match the leaf, an
// expired or not-yet-valid leaf, a chain in which a certificate is not signed
// by the next one, and a leaf whose names do not cover `hostname` (when not
// empty). nowSeconds: the clock's time.
CertificateCheck checkCertificateAndKey(const std::string& certPem, const std::string& keyPem,
                                        const std::string& hostname, long long nowSeconds);

// A certificate signing request for the hospital's CA: a new P-256 key and a
// CSR naming commonName (also the first DNS name) and the further names.
struct Csr {
    std::string csrPem;
    std::string keyPem;
};
Csr makeCsr(const std::string& commonName, const std::vector<std::string>& names, const std::string& organization);

}  // namespace medbox::console::setup
