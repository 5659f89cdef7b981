#include "domain/SetupRules.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>

namespace medbox::console::setup {

namespace {

bool isLabelChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

struct Ip {
    int family = 0;  // AF_INET or AF_INET6
    std::array<unsigned char, 16> bytes{};
    int bits() const { return family == AF_INET ? 32 : 128; }
};

std::optional<Ip> parseIp(std::string_view text) {
    if (text.empty() || text.size() > 45) return std::nullopt;
    const std::string s(text);
    Ip ip;
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = AF_INET;
        return ip;
    }
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = AF_INET6;
        return ip;
    }
    return std::nullopt;
}

bool bit(const Ip& ip, int i) { return (ip.bytes[static_cast<size_t>(i / 8)] >> (7 - i % 8)) & 1; }

struct Cidr {
    Ip ip;
    int prefix = 0;
};

// ADDRESS/PREFIX, or the reason it is not one.
std::string parseCidr(std::string_view text, Cidr& out) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return "must be ADDRESS/PREFIX, e.g. 10.10.9.20/24";
    const auto ip = parseIp(text.substr(0, slash));
    if (!ip) return "is not an IPv4 or IPv6 address before the '/'";
    const auto p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string_view::npos)
        return "needs a prefix length after the '/'";
    out.ip = *ip;
    out.prefix = std::stoi(std::string(p));
    if (out.prefix > ip->bits()) return "prefix length is larger than the address";
    return {};
}

bool sameNetwork(const Ip& a, const Ip& b, int prefix) {
    if (a.family != b.family) return false;
    for (int i = 0; i < prefix; ++i)
        if (bit(a, i) != bit(b, i)) return false;
    return true;
}

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

BioPtr memBio(const std::string& text) {
    return {BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free};
}

std::string isoTime(const ASN1_TIME* t) {
    struct tm tm {};
    if (ASN1_TIME_to_tm(t, &tm) != 1) return {};
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string fingerprint(X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_digest(cert, EVP_sha256(), md, &len);
    std::string out;
    char hex[4];
    for (unsigned int i = 0; i < len; ++i) {
        std::snprintf(hex, sizeof hex, i ? ":%02X" : "%02X", md[i]);
        out += hex;
    }
    return out;
}

std::vector<std::string> altNames(X509* cert) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
        if (n->type == GEN_DNS) {
            const auto* s = n->d.dNSName;
            out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                             static_cast<size_t>(ASN1_STRING_length(s)));
        } else if (n->type == GEN_IPADD) {
            const auto* s = n->d.iPAddress;
            char buf[INET6_ADDRSTRLEN] = {};
            const int len = ASN1_STRING_length(s);
            if (len == 4 || len == 16)
                inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), buf, sizeof buf);
            out.emplace_back(buf);
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

std::string subjectText(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
}

}  // namespace

std::string checkHostname(std::string_view name) {
    if (name.empty()) return "must not be empty";
    if (name.size() > 253) return "is longer than 253 characters";
    size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        const auto label = name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty()) return "has an empty label (two dots, or a dot at the start or end)";
        if (label.size() > 63) return "has a label longer than 63 characters";
        for (char c : label)
            if (!isLabelChar(c)) return "may hold only letters a-z, digits, '-' and '.'";
        if (label.front() == '-' || label.back() == '-') return "has a label that starts or ends with '-'";
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    // An all-digit last label would read as an IPv4 address.
    const auto last = name.substr(name.rfind('.') == std::string_view::npos ? 0 : name.rfind('.') + 1);
    if (last.find_first_not_of("0123456789") == std::string_view::npos) return "must not end in a number only";
    return {};
}

std::string checkAddress(std::string_view ip) { return parseIp(ip) ? std::string{} : "is not an IPv4 or IPv6 address"; }

bool isIpv6(std::string_view ip) {
    const auto p = parseIp(ip);
    return p && p->family == AF_INET6;
}

std::string checkInterfaceCidr(std::string_view cidr) {
    Cidr c;
    if (auto why = parseCidr(cidr, c); !why.empty()) return why;
    const bool v4 = c.ip.family == AF_INET;
    if (v4 ? (c.prefix < 8 || c.prefix > 32) : (c.prefix < 16 || c.prefix > 128))
        return v4 ? "prefix must be 8..32 for IPv4" : "prefix must be 16..128 for IPv6";
    if (v4 && c.prefix < 31) {
        bool allZero = true, allOne = true;
        for (int i = c.prefix; i < 32; ++i) (bit(c.ip, i) ? allZero : allOne) = false;
        if (allZero) return "is the network's own address, not a host address";
        if (allOne) return "is the network's broadcast address, not a host address";
    }
    return {};
}

std::string checkNetworkCidr(std::string_view cidr) {
    Cidr c;
    if (auto why = parseCidr(cidr, c); !why.empty()) return why;
    for (int i = c.prefix; i < c.ip.bits(); ++i)
        if (bit(c.ip, i)) return "has host bits set after the prefix (write the network's own address)";
    return {};
}

std::string checkGatewayIn(std::string_view gateway, std::string_view interfaceCidr) {
    const auto gw = parseIp(gateway);
    if (!gw) return "is not an IPv4 or IPv6 address";
    Cidr c;
    if (!parseCidr(interfaceCidr, c).empty()) return {};  // the address itself is reported instead
    if (!sameNetwork(*gw, c.ip, c.prefix)) return "is not inside the interface's network";
    if (gw->bytes == c.ip.bytes) return "is the interface's own address";
    return {};
}

std::string checkNtpServer(std::string_view server) {
    if (parseIp(server)) return {};
    const auto why = checkHostname(server);
    return why.empty() ? std::string{} : "is neither a host name nor an IP address (the name " + why + ")";
}

std::string checkPort(long long port) { return port >= 1 && port <= 65535 ? std::string{} : "must be 1..65535"; }

CertificateCheck checkCertificateAndKey(const std::string& certPem, const std::string& keyPem,
                                        const std::string& hostname, long long nowSeconds) {
    CertificateCheck r;
    auto fail = [&](std::string field, std::string why) {
        r.field = std::move(field);
        r.error = std::move(why);
        return r;
    };
    std::vector<X509Ptr> chain;
    {
        auto bio = memBio(certPem);
        while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) chain.emplace_back(c, &X509_free);
    }
    if (chain.empty()) return fail("certificate", "holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    if (chain.size() > 8) return fail("certificate", "holds more than 8 certificates");
    auto keyBio = memBio(keyPem);
    KeyPtr key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    if (!key) return fail("key", "is not an unencrypted PEM private key");
    X509* leaf = chain.front().get();
    if (X509_check_private_key(leaf, key.get()) != 1)
        return fail("key", "does not belong to the certificate (the public keys differ)");
    const time_t now = static_cast<time_t>(nowSeconds);
    if (X509_cmp_time(X509_get0_notBefore(leaf), const_cast<time_t*>(&now)) > 0)
        return fail("certificate", "is not valid yet (notBefore is in the future)");
    if (X509_cmp_time(X509_get0_notAfter(leaf), const_cast<time_t*>(&now)) < 0)
        return fail("certificate", "has expired");
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
        EVP_PKEY* issuerKey = X509_get0_pubkey(chain[i + 1].get());
        if (!issuerKey || X509_verify(chain[i].get(), issuerKey) != 1)
            return fail("certificate", "chain is out of order: certificate " + std::to_string(i + 1) +
                                           " is not signed by the one after it");
    }
    if (!hostname.empty() && X509_check_host(leaf, hostname.data(), hostname.size(), 0, nullptr) != 1)
        return fail("certificate",
                    "does not name the appliance's host name " + hostname + " (subject alternative names)");
    r.subject = subjectText(leaf);
    r.names = altNames(leaf);
    r.sha256 = fingerprint(leaf);
    r.notAfter = isoTime(X509_get0_notAfter(leaf));
    return r;
}

Csr makeCsr(const std::string& commonName, const std::vector<std::string>& names, const std::string& organization) {
    KeyPtr key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
    if (!key) throw std::runtime_error("could not generate a P-256 key");
    std::unique_ptr<X509_REQ, decltype(&X509_REQ_free)> req(X509_REQ_new(), &X509_REQ_free);
    X509_NAME* subject = X509_REQ_get_subject_name(req.get());
    auto add = [&](const char* field, const std::string& value) {
        if (!value.empty())
            X509_NAME_add_entry_by_txt(subject, field, MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
    };
    add("CN", commonName);
    add("O", organization);
    std::string san = "DNS:" + commonName;
    for (const auto& n : names)
        if (n != commonName) san += (parseIp(n) ? ",IP:" : ",DNS:") + n;
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
    if (!ext) {
        sk_X509_EXTENSION_free(exts);
        throw std::runtime_error("could not encode the subject alternative names");
    }
    sk_X509_EXTENSION_push(exts, ext);
    X509_REQ_add_extensions(req.get(), exts);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    X509_REQ_set_pubkey(req.get(), key.get());
    if (X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) throw std::runtime_error("could not sign the CSR");
    Csr out;
    BioPtr csrBio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_X509_REQ(csrBio.get(), req.get());
    BioPtr keyOut(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(keyOut.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(csrBio.get(), &data);
    out.csrPem.assign(data, static_cast<size_t>(len));
    len = BIO_get_mem_data(keyOut.get(), &data);
    out.keyPem.assign(data, static_cast<size_t>(len));
    return out;
}

}  // namespace medbox::console::setup
