#pragma once
// TLS contexts with Mozilla's "intermediate" settings (TLS 1.2 and 1.3, AEAD
// ciphers with forward secrecy), and a self-signed certificate made on first
// start when the configured files do not exist.
#include <Poco/Net/Context.h>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace medbox::tls {

// Browsers refuse server certificates valid for more than 398 days.
inline constexpr int kSelfSignedDays = 397;
// A self-signed certificate of ours is made anew this long before it expires.
inline constexpr int64_t kRenewWithinSeconds = 30 * 86'400;

// Creates an EC P-256 key and a self-signed certificate valid for the given
// DNS names and IP addresses (each once), if certFile does not exist yet; or
// anew when certFile is one of ours (self-issued, O=medbox, this common
// name) and expires within renewWithinSeconds. A certificate the hospital
// installed is never touched. Key file mode 0600. True: a new pair was written.
bool ensureSelfSigned(const std::string& certFile, const std::string& keyFile, const std::vector<std::string>& names,
                      const std::string& commonName, int64_t renewWithinSeconds = kRenewWithinSeconds);

// What an operator checks of a certificate: when it expires, its SHA-256
// fingerprint (what a browser shows and the install guide compares), and
// whether it is one we made ourselves.
struct CertificateInfo {
    int64_t notAfterMs = 0;
    std::string sha256;  // "AB:CD:..." upper-case hex, colon-separated, of the DER bytes
    bool selfSigned = false;
};
// The first certificate in a PEM file; nullopt when it cannot be read.
std::optional<CertificateInfo> readCertificate(const std::string& pemFile);

// The certificate (with its chain) and key a server presents, replaceable
// while it serves: every handshake takes the current pair
// (SSL_CTX_set_cert_cb), so a renewed certificate reaches new connections
// without a restart. Owned by ServiceApp, which must keep it alive as long
// as any context it was installed in; reload() and handshakes may run on
// any thread.
class ServerIdentity {
public:
    // Loads the pair; throws std::runtime_error naming the file.
    ServerIdentity(std::string certFile, std::string keyFile);
    ~ServerIdentity();
    void installIn(Poco::Net::Context& ctx);
    // Reads the files again; on error throws and keeps serving the old pair.
    void reload();

    struct Pair;

private:
    static int onHandshake(struct ssl_st* ssl, void* self);
    std::string certFile_, keyFile_;
    std::mutex mutex_;
    std::shared_ptr<const Pair> current_;
};

Poco::Net::Context::Ptr serverContext(const std::string& certFile, const std::string& keyFile);

// A client context that verifies peers against every *.crt / *.pem in caDir
// (our own services' certificates) and caFile if given.
Poco::Net::Context::Ptr clientContext(const std::string& caDir, const std::string& caFile = {});

}  // namespace medbox::tls
