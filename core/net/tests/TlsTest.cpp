#include "core/auth/Tokens.h"
#include "core/net/HttpClient.h"
#include "core/net/Tls.h"
#include "core/testing/TempDir.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace medbox;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class OkHandler : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) override {
        resp.setContentType("application/json");
        resp.send() << R"({"ok":true})";
    }
};

class OkFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new OkHandler;
    }
};

// An HTTPS server on 127.0.0.1 with a certificate made by ensureSelfSigned.
struct HttpsServer {
    Poco::Net::SecureServerSocket socket;
    Poco::Net::HTTPServer server;
    HttpsServer(const std::string& cert, const std::string& key)
        : socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, tls::serverContext(cert, key)),
          server(new OkFactory, socket, new Poco::Net::HTTPServerParams) {
        server.start();
    }
    ~HttpsServer() { server.stopAll(true); }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(socket.address().port()) + "/x"; }
};

X509* loadCert(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return nullptr;
    X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    return x;
}

}  // namespace

TEST(TlsTest, SelfSignedCertificateHasTheDocumentedShape) {
    testutil::TempDir dir;
    std::string cert = dir.file("tls/a/cert.pem"), key = dir.file("tls/b/key.pem");
    tls::ensureSelfSigned(cert, key, {"localhost", "127.0.0.1", "::1", "booking.medbox.local"}, "booking");
    struct stat st {};
    ASSERT_EQ(::stat(key.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    X509* x = loadCert(cert);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(X509_get_version(x), 2);  // v3
    EXPECT_EQ(X509_check_ca(x), 1);
    EXPECT_EQ(X509_check_host(x, "localhost", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_host(x, "booking.medbox.local", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_host(x, "evil.example", 0, 0, nullptr), 0);
    EXPECT_EQ(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
    EXPECT_EQ(X509_check_ip_asc(x, "::1", 0), 1);
    EXPECT_EQ(X509_check_ip_asc(x, "10.0.0.1", 0), 0);
    EXPECT_TRUE(X509_get_key_usage(x) & KU_KEY_CERT_SIGN);
    EXPECT_TRUE(X509_get_key_usage(x) & KU_DIGITAL_SIGNATURE);
    int days = 0, secs = 0;
    ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x)), 1);
    EXPECT_LE(days, 398);  // browsers refuse longer server certificates
    EXPECT_GE(days, 397);
    EVP_PKEY* pub = X509_get0_pubkey(x);
    ASSERT_NE(pub, nullptr);
    EXPECT_TRUE(EVP_PKEY_is_a(pub, "EC"));
    EXPECT_EQ(X509_verify(x, pub), 1);  // self-signed
    X509_free(x);

    // Not replaced when it exists and is far from its expiry.
    std::string before = readFile(cert);
    EXPECT_FALSE(tls::ensureSelfSigned(cert, key, {"other"}, "booking"));
    EXPECT_EQ(readFile(cert), before);
}

TEST(TlsTest, EachNameIsListedOnce) {
    testutil::TempDir dir;
    tls::ensureSelfSigned(dir.file("c.pem"), dir.file("k.pem"), {"localhost", "127.0.0.1", "::1", "127.0.0.1"}, "t");
    X509* x = loadCert(dir.file("c.pem"));
    ASSERT_NE(x, nullptr);
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
    ASSERT_NE(names, nullptr);
    EXPECT_EQ(sk_GENERAL_NAME_num(names), 3);
    GENERAL_NAMES_free(names);
    X509_free(x);
}

TEST(TlsTest, ReadCertificateGivesExpiryAndTheFingerprintOpensslShows) {
    testutil::TempDir dir;
    const std::string cert = dir.file("c.pem");
    tls::ensureSelfSigned(cert, dir.file("k.pem"), {"localhost"}, "t");
    const auto info = tls::readCertificate(cert);
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->selfSigned);
    const int64_t days = (info->notAfterMs - ::time(nullptr) * 1000LL) / 86'400'000;
    EXPECT_GE(days, 396);
    EXPECT_LE(days, 397);
    // The openssl command line as the independent oracle.
    FILE* p = popen(("openssl x509 -noout -fingerprint -sha256 -in " + cert).c_str(), "r");
    ASSERT_NE(p, nullptr);
    char line[256] = {};
    ASSERT_NE(fgets(line, sizeof line, p), nullptr);
    pclose(p);
    std::string shown(line);
    shown = shown.substr(shown.find('=') + 1);
    shown.erase(shown.find_last_not_of("\r\n") + 1);
    EXPECT_EQ(info->sha256, shown);

    std::ofstream(dir.file("garbage.pem")) << "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
    EXPECT_FALSE(tls::readCertificate(dir.file("garbage.pem")));
    EXPECT_FALSE(tls::readCertificate(dir.file("missing.pem")));
}

// Ours is made anew within its renewal window; a certificate the hospital
// installed (another issuer or name) is never touched.
TEST(TlsTest, OnlyOurOwnCertificateIsRenewedNearItsExpiry) {
    testutil::TempDir dir;
    const std::string cert = dir.file("c.pem"), key = dir.file("k.pem");
    ASSERT_TRUE(tls::ensureSelfSigned(cert, key, {"localhost"}, "medbox booking"));
    const std::string first = readFile(cert);
    EXPECT_FALSE(tls::ensureSelfSigned(cert, key, {"localhost"}, "medbox booking"));
    // Seen from 398 days ahead it is about to expire: renewed.
    EXPECT_TRUE(tls::ensureSelfSigned(cert, key, {"localhost"}, "medbox booking", 398LL * 86'400));
    EXPECT_NE(readFile(cert), first);
    // Another common name: the hospital's own certificate, left alone.
    const std::string installed = readFile(cert);
    EXPECT_FALSE(tls::ensureSelfSigned(cert, key, {"localhost"}, "medbox portal", 398LL * 86'400));
    EXPECT_EQ(readFile(cert), installed);
}

// A renewed certificate is presented from the next handshake on, without
// restarting the server.
TEST(TlsTest, ServerIdentityPresentsTheRenewedCertificate) {
    testutil::TempDir dir;
    const std::string cert = dir.file("c.pem"), key = dir.file("k.pem");
    tls::ensureSelfSigned(cert, key, {"127.0.0.1"}, "medbox t");
    auto ctx = tls::serverContext(cert, key);
    tls::ServerIdentity identity(cert, key);
    identity.installIn(*ctx);
    Poco::Net::SecureServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0), 8, ctx);
    auto presented = [&] {
        std::string serial;
        std::thread server([&] {
            Poco::Net::StreamSocket s = listener.acceptConnection();
            char b;
            try {
                s.receiveBytes(&b, 1);  // completes the handshake
            } catch (const Poco::Exception&) {
            }
        });
        Poco::Net::Context::Ptr client = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
                                                                Poco::Net::Context::VERIFY_NONE);
        Poco::Net::SecureStreamSocket c(listener.address(), client);
        c.completeHandshake();
        Poco::Crypto::X509Certificate peer = c.peerCertificate();
        serial = peer.serialNumber();
        c.sendBytes("x", 1);
        server.join();
        return serial;
    };
    const std::string before = presented();
    ASSERT_TRUE(tls::ensureSelfSigned(cert, key, {"127.0.0.1"}, "medbox t", 398LL * 86'400));
    EXPECT_EQ(presented(), before) << "files changed, identity not reloaded yet";
    identity.reload();
    const std::string after = presented();
    EXPECT_NE(after, before);
    // A broken file keeps the old pair serving.
    std::ofstream(cert) << "not a certificate";
    EXPECT_THROW(identity.reload(), std::runtime_error);
    EXPECT_EQ(presented(), after);
}

TEST(TlsTest, ContextsFollowMozillaIntermediate) {
    testutil::TempDir dir;
    tls::ensureSelfSigned(dir.file("c.pem"), dir.file("k.pem"), {"localhost"}, "t");
    auto server = tls::serverContext(dir.file("c.pem"), dir.file("k.pem"));
    EXPECT_EQ(SSL_CTX_get_min_proto_version(server->sslContext()), TLS1_2_VERSION);
    EXPECT_EQ(SSL_CTX_get_options(server->sslContext()) & SSL_OP_CIPHER_SERVER_PREFERENCE, 0u);
    EXPECT_NE(SSL_CTX_get_session_cache_mode(server->sslContext()) & SSL_SESS_CACHE_SERVER, 0);
    auto client = tls::clientContext(dir.path());
    EXPECT_EQ(SSL_CTX_get_min_proto_version(client->sslContext()), TLS1_2_VERSION);
    EXPECT_NE(SSL_CTX_get_verify_mode(client->sslContext()) & SSL_VERIFY_PEER, 0);
}

TEST(TlsTest, ClientTrustingTheCertificateConnects) {
    testutil::TempDir dir;
    tls::ensureSelfSigned(dir.file("server/cert.pem"), dir.file("server/key.pem"), {"localhost", "127.0.0.1"}, "peer");
    std::filesystem::create_directories(dir.file("ca"));
    std::filesystem::copy_file(dir.file("server/cert.pem"), dir.file("ca/peer.crt"));
    // The trust folder also holds token public keys (<kid>.pub.pem): they must not disturb loading.
    keys::ensureKeyPair(dir.file("portal.key.pem"), dir.file("ca/portal.pub.pem"));
    HttpsServer server(dir.file("server/cert.pem"), dir.file("server/key.pem"));
    HttpClient client(tls::clientContext(dir.file("ca")), 5);
    HttpResult r = client.postJson(server.url(), "{}", "tok", "m-1");
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body, R"({"ok":true})");
}

TEST(TlsTest, UntrustedCertificateIsRefused) {
    testutil::TempDir dir;
    tls::ensureSelfSigned(dir.file("server/cert.pem"), dir.file("server/key.pem"), {"127.0.0.1"}, "peer");
    tls::ensureSelfSigned(dir.file("ca/other.crt"), dir.file("other.key"), {"127.0.0.1"}, "other");
    HttpsServer server(dir.file("server/cert.pem"), dir.file("server/key.pem"));
    HttpClient client(tls::clientContext(dir.file("ca")), 5);
    HttpResult r = client.postJson(server.url(), "{}", "", "");
    EXPECT_EQ(r.status, 0);
    EXPECT_FALSE(r.error.empty());
}

TEST(TlsTest, CertificateForAnotherHostIsRefused) {
    testutil::TempDir dir;
    tls::ensureSelfSigned(dir.file("server/cert.pem"), dir.file("server/key.pem"), {"other.example"}, "other.example");
    std::filesystem::create_directories(dir.file("ca"));
    std::filesystem::copy_file(dir.file("server/cert.pem"), dir.file("ca/peer.pem"));
    HttpsServer server(dir.file("server/cert.pem"), dir.file("server/key.pem"));
    HttpClient client(tls::clientContext(dir.file("ca")), 5);
    HttpResult r = client.postJson(server.url(), "{}", "", "");
    EXPECT_EQ(r.status, 0) << r.body;
    EXPECT_FALSE(r.error.empty());
}

TEST(TlsTest, GarbageInTheCaFolderIsAnError) {
    testutil::TempDir dir;
    std::ofstream(dir.file("bad.crt"))
        << "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    EXPECT_THROW(tls::clientContext(dir.path()), std::exception);
}

TEST(TlsTest, InvalidSubjectAltNameIsRefused) {
    testutil::TempDir dir;
    EXPECT_THROW(tls::ensureSelfSigned(dir.file("c.pem"), dir.file("k.pem"), {"a.example,IP:1.2.3.4"}, "x"),
                 std::invalid_argument);
    EXPECT_FALSE(std::filesystem::exists(dir.file("c.pem")));
}
