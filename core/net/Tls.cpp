#include "core/net/Tls.h"
#include "core/util/Files.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace medbox::tls {

namespace {

// Mozilla "intermediate" (TLS 1.2 list; TLS 1.3 suites are OpenSSL's defaults, all AEAD).
const std::string kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using PKeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using GenNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

std::string opensslError(const std::string& what) {
    std::string msg = what;
    unsigned long e = ERR_get_error();
    if (e != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        msg += ": ";
        msg += buf;
    }
    ERR_clear_error();
    return msg;
}

void check(int ok, const std::string& what) {
    if (ok != 1) throw std::runtime_error(opensslError(what));
}

std::string bioText(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(len));
}

// subjectAltName built from structures rather than a config string, so a
// configured name containing ',' cannot smuggle in extra entries.
GenNamesPtr altNames(const std::vector<std::string>& names) {
    GenNamesPtr gens(sk_GENERAL_NAME_new_null());
    if (!gens) throw std::runtime_error(opensslError("out of memory"));
    for (const auto& n : names) {
        if (n.empty()) continue;
        GENERAL_NAME* gen = GENERAL_NAME_new();
        if (!gen) throw std::runtime_error(opensslError("out of memory"));
        unsigned char addr[16];
        int addrLen = 0;
        if (::inet_pton(AF_INET, n.c_str(), addr) == 1)
            addrLen = 4;
        else if (::inet_pton(AF_INET6, n.c_str(), addr) == 1)
            addrLen = 16;
        if (addrLen > 0) {
            ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
            if (!ip || ASN1_OCTET_STRING_set(ip, addr, addrLen) != 1) {
                ASN1_OCTET_STRING_free(ip);
                GENERAL_NAME_free(gen);
                throw std::runtime_error(opensslError("cannot encode IP address " + n));
            }
            GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
        } else {
            bool ok = std::all_of(n.begin(), n.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '*';
            });
            if (!ok) {
                GENERAL_NAME_free(gen);
                throw std::invalid_argument("'" + n + "' is neither an IP address nor a DNS name");
            }
            ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
            if (!dns || ASN1_STRING_set(dns, n.data(), static_cast<int>(n.size())) != 1) {
                ASN1_IA5STRING_free(dns);
                GENERAL_NAME_free(gen);
                throw std::runtime_error(opensslError("cannot encode DNS name " + n));
            }
            GENERAL_NAME_set0_value(gen, GEN_DNS, dns);
        }
        if (sk_GENERAL_NAME_push(gens.get(), gen) == 0) {
            GENERAL_NAME_free(gen);
            throw std::runtime_error(opensslError("out of memory"));
        }
    }
    return gens;
}

void addExtension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext) throw std::runtime_error(opensslError(std::string("cannot build extension ") + value));
    check(X509_add_ext(cert, ext.get(), -1), "cannot add extension");
}

void applyCommonSettings(Poco::Net::Context& ctx) {
    SSL_CTX* ssl = ctx.sslContext();
    // TLS 1.0/1.1 are deprecated (RFC 8996); Mozilla intermediate starts at 1.2.
    check(SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION), "cannot set minimum TLS version");
    SSL_CTX_set_options(ssl, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
}

// Adds every certificate of a PEM file to the store; returns how many.
int addPemCertificates(X509_STORE* store, const std::string& file) {
    BioPtr bio(BIO_new_file(file.c_str(), "r"));
    if (!bio) throw std::runtime_error(opensslError("cannot read CA certificate file '" + file + "'"));
    STACK_OF(X509_INFO)* infos = PEM_X509_INFO_read_bio(bio.get(), nullptr, nullptr, nullptr);
    if (!infos) throw std::runtime_error(opensslError("cannot parse CA certificate file '" + file + "'"));
    int added = 0;
    for (int i = 0; i < sk_X509_INFO_num(infos); ++i) {
        X509_INFO* info = sk_X509_INFO_value(infos, i);
        if (!info->x509) continue;  // a key or CRL in the same file is not a trust anchor
        if (X509_STORE_add_cert(store, info->x509) != 1) {
            // The same certificate listed twice is harmless; anything else is not.
            unsigned long e = ERR_peek_last_error();
            if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
                sk_X509_INFO_pop_free(infos, X509_INFO_free);
                throw std::runtime_error(opensslError("cannot add CA certificate from '" + file + "'"));
            }
            ERR_clear_error();
        }
        ++added;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    return added;
}

}  // namespace

// Whether certFile is a certificate ensureSelfSigned made for commonName
// that expires within the given time. Anything else (a file that cannot be
// read, a certificate the hospital installed) is left alone.
bool ourCertificateExpiresWithin(const std::string& certFile, const std::string& commonName, int64_t seconds) {
    BioPtr bio(BIO_new_file(certFile.c_str(), "r"));
    if (!bio) return false;
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (!cert) return false;
    X509_NAME* subject = X509_get_subject_name(cert.get());
    if (X509_NAME_cmp(subject, X509_get_issuer_name(cert.get())) != 0) return false;
    auto entry = [subject](int nid) {
        char buf[256];
        int n = X509_NAME_get_text_by_NID(subject, nid, buf, sizeof buf);
        return n < 0 ? std::string() : std::string(buf, static_cast<size_t>(n));
    };
    const std::string cn = commonName.empty() ? "medbox" : commonName;
    if (entry(NID_organizationName) != "medbox" || entry(NID_commonName) != cn) return false;
    time_t limit = ::time(nullptr) + static_cast<time_t>(seconds);
    return X509_cmp_time(X509_get0_notAfter(cert.get()), &limit) <= 0;
}

std::optional<CertificateInfo> readCertificate(const std::string& pemFile) {
    BioPtr bio(BIO_new_file(pemFile.c_str(), "r"));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    ERR_clear_error();
    if (!cert) return std::nullopt;
    CertificateInfo info;
    struct tm notAfter {};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &notAfter) != 1) return std::nullopt;
    info.notAfterMs = static_cast<int64_t>(timegm(&notAfter)) * 1000;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) return std::nullopt;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned int i = 0; i < len; ++i) {
        if (i) info.sha256 += ':';
        info.sha256 += kHex[md[i] >> 4];
        info.sha256 += kHex[md[i] & 15];
    }
    info.selfSigned = X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())) == 0;
    return info;
}

bool ensureSelfSigned(const std::string& certFile, const std::string& keyFile, const std::vector<std::string>& names,
                      const std::string& commonName, int64_t renewWithinSeconds) {
    if (Poco::File(certFile).exists() && !ourCertificateExpiresWithin(certFile, commonName, renewWithinSeconds))
        return false;

    PKeyPtr key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error(opensslError("cannot generate EC P-256 key"));

    X509Ptr cert(X509_new());
    if (!cert) throw std::runtime_error(opensslError("out of memory"));
    check(X509_set_version(cert.get(), 2), "cannot set certificate version");  // 2 means v3

    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial), "RAND_bytes failed");
    serial[0] &= 0x7f;  // a positive INTEGER, at most 20 octets (RFC 5280)
    serial[0] |= 0x01;  // and never zero or short
    BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) {
        throw std::runtime_error(opensslError("cannot set serial number"));
    }
    // Valid from a few minutes ago to tolerate clock skew between peers.
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), kSelfSignedDays, 0, nullptr)) {
        throw std::runtime_error(opensslError("cannot set validity"));
    }

    X509_NAME* subject = X509_get_subject_name(cert.get());
    const std::string cn = commonName.empty() ? "medbox" : commonName;
    check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.data()),
                                     static_cast<int>(cn.size()), -1, 0),
          "cannot set common name");
    check(X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("medbox"), -1,
                                     -1, 0),
          "cannot set organisation");
    check(X509_set_issuer_name(cert.get(), subject), "cannot set issuer");
    check(X509_set_pubkey(cert.get(), key.get()), "cannot set public key");

    // CA:TRUE so a client can trust this very certificate as its anchor.
    addExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    addExtension(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth");
    addExtension(cert.get(), NID_subject_key_identifier, "hash");
    std::vector<std::string> unique;
    for (const auto& n : names)
        if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
    GenNamesPtr gens = altNames(unique);
    if (sk_GENERAL_NAME_num(gens.get()) > 0) {
        check(X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT),
              "cannot add subjectAltName");
    }

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        throw std::runtime_error(opensslError("cannot sign certificate"));

    BioPtr keyBio(BIO_new(BIO_s_mem()));
    BioPtr certBio(BIO_new(BIO_s_mem()));
    if (!keyBio || !certBio) throw std::runtime_error(opensslError("out of memory"));
    check(PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr),
          "cannot encode key");
    check(PEM_write_bio_X509(certBio.get(), cert.get()), "cannot encode certificate");
    // Key first: the certificate's existence is what marks the pair as complete.
    files::writeAtomically(keyFile, bioText(keyBio.get()), 0600);
    files::writeAtomically(certFile, bioText(certBio.get()), 0644);
    return true;
}

struct ServerIdentity::Pair {
    X509Ptr cert;
    PKeyPtr key;
    STACK_OF(X509) * chain = nullptr;  // the certificates after the first in certFile
    ~Pair() { sk_X509_pop_free(chain, X509_free); }
};

namespace {

std::shared_ptr<const ServerIdentity::Pair> loadPair(const std::string& certFile, const std::string& keyFile) {
    auto pair = std::make_shared<ServerIdentity::Pair>();
    BioPtr certBio(BIO_new_file(certFile.c_str(), "r"));
    if (!certBio) throw std::runtime_error(opensslError("cannot read certificate '" + certFile + "'"));
    pair->cert.reset(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr));
    if (!pair->cert) throw std::runtime_error(opensslError("cannot parse certificate '" + certFile + "'"));
    pair->chain = sk_X509_new_null();
    if (!pair->chain) throw std::runtime_error(opensslError("out of memory"));
    while (X509* extra = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr)) {
        if (!sk_X509_push(pair->chain, extra)) {
            X509_free(extra);
            throw std::runtime_error(opensslError("out of memory"));
        }
    }
    ERR_clear_error();  // the end of the file reads as an error
    BioPtr keyBio(BIO_new_file(keyFile.c_str(), "r"));
    if (!keyBio) throw std::runtime_error(opensslError("cannot read key '" + keyFile + "'"));
    pair->key.reset(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
    if (!pair->key) throw std::runtime_error(opensslError("cannot parse key '" + keyFile + "'"));
    if (X509_check_private_key(pair->cert.get(), pair->key.get()) != 1)
        throw std::runtime_error(opensslError("key '" + keyFile + "' does not match certificate '" + certFile + "'"));
    return pair;
}

}  // namespace

ServerIdentity::ServerIdentity(std::string certFile, std::string keyFile)
    : certFile_(std::move(certFile)), keyFile_(std::move(keyFile)), current_(loadPair(certFile_, keyFile_)) {}

ServerIdentity::~ServerIdentity() = default;

void ServerIdentity::installIn(Poco::Net::Context& ctx) { SSL_CTX_set_cert_cb(ctx.sslContext(), &onHandshake, this); }

void ServerIdentity::reload() {
    auto fresh = loadPair(certFile_, keyFile_);
    std::lock_guard lock(mutex_);
    current_ = std::move(fresh);
}

int ServerIdentity::onHandshake(SSL* ssl, void* self) {
    auto* me = static_cast<ServerIdentity*>(self);
    std::shared_ptr<const Pair> pair;
    {
        std::lock_guard lock(me->mutex_);
        pair = me->current_;
    }
    // The SSL object takes its own references: the pair may be replaced
    // while this connection lives.
    return SSL_use_cert_and_key(ssl, pair->cert.get(), pair->key.get(), pair->chain, 1) == 1 ? 1 : 0;
}

Poco::Net::Context::Ptr serverContext(const std::string& certFile, const std::string& keyFile) {
    Poco::Net::Context::Params params;
    params.privateKeyFile = keyFile;  // Poco takes the key first
    params.certificateFile = certFile;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.verificationDepth = 9;
    params.loadDefaultCAs = false;
    params.cipherList = kCipherList;
    // Only matters for an RSA certificate (DHE suites); never the 1024-bit default group.
    params.dhUse2048Bits = true;
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    applyCommonSettings(*ctx);
    // Mozilla intermediate: clients pick (they know whether they have AES hardware).
    SSL_CTX_clear_options(ctx->sslContext(), SSL_OP_CIPHER_SERVER_PREFERENCE);
    ctx->enableSessionCache(true, "medbox");
    return ctx;
}

Poco::Net::Context::Ptr clientContext(const std::string& caDir, const std::string& caFile) {
    Poco::Net::Context::Params params;
    params.caLocation = caFile;
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.verificationDepth = 9;
    params.loadDefaultCAs = false;
    params.cipherList = kCipherList;
    Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    applyCommonSettings(*ctx);
    X509_STORE* store = SSL_CTX_get_cert_store(ctx->sslContext());
    if (!caDir.empty()) {
        // A missing folder means no peer is trusted yet: connections fail with a
        // verification error naming the peer, which is the clearer place to see it.
        if (DIR* dir = ::opendir(caDir.c_str())) {
            std::vector<std::string> files;
            while (dirent* e = ::readdir(dir)) {
                std::string f = e->d_name;
                auto endsWith = [&f](const std::string& s) {
                    return f.size() > s.size() && f.compare(f.size() - s.size(), s.size(), s) == 0;
                };
                if (endsWith(".crt") || endsWith(".pem")) files.push_back(caDir + "/" + f);
            }
            ::closedir(dir);
            std::sort(files.begin(), files.end());
            for (const auto& f : files) addPemCertificates(store, f);
        }
    }
    return ctx;
}

}  // namespace medbox::tls
