#include "auth/Tokens.h"
#include "net/HttpClient.h"
#include "net/Tls.h"
#include "testing/TempDir.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new OkHandler; }
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

TEST(Tls, SelfSignedCertificateHasTheDocumentedShape) {
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
    EXPECT_GE(days, 3650);
    EXPECT_LE(days, 3653);
    EVP_PKEY* pub = X509_get0_pubkey(x);
    ASSERT_NE(pub, nullptr);
    EXPECT_TRUE(EVP_PKEY_is_a(pub, "EC"));
    EXPECT_EQ(X509_verify(x, pub), 1);  // self-signed
    X509_free(x);

    // Not replaced when it exists.
    std::string before = readFile(cert);
    tls::ensureSelfSigned(cert, key, {"other"}, "other");
    EXPECT_EQ(readFile(cert), before);
}

TEST(Tls, ContextsFollowMozillaIntermediate) {
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

TEST(Tls, ClientTrustingTheCertificateConnects) {
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

TEST(Tls, UntrustedCertificateIsRefused) {
    testutil::TempDir dir;
    tls::ensureSelfSigned(dir.file("server/cert.pem"), dir.file("server/key.pem"), {"127.0.0.1"}, "peer");
    tls::ensureSelfSigned(dir.file("ca/other.crt"), dir.file("other.key"), {"127.0.0.1"}, "other");
    HttpsServer server(dir.file("server/cert.pem"), dir.file("server/key.pem"));
    HttpClient client(tls::clientContext(dir.file("ca")), 5);
    HttpResult r = client.postJson(server.url(), "{}", "", "");
    EXPECT_EQ(r.status, 0);
    EXPECT_FALSE(r.error.empty());
}

TEST(Tls, CertificateForAnotherHostIsRefused) {
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

TEST(Tls, GarbageInTheCaFolderIsAnError) {
    testutil::TempDir dir;
    std::ofstream(dir.file("bad.crt")) << "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    EXPECT_THROW(tls::clientContext(dir.path()), std::exception);
}

TEST(Tls, InvalidSubjectAltNameIsRefused) {
    testutil::TempDir dir;
    EXPECT_THROW(tls::ensureSelfSigned(dir.file("c.pem"), dir.file("k.pem"), {"a.example,IP:1.2.3.4"}, "x"),
                 std::invalid_argument);
    EXPECT_FALSE(std::filesystem::exists(dir.file("c.pem")));
}
