// The setup wizard's field rules: host names, addresses, CIDR, gateways,
// time servers, and certificate/key pairs made here with OpenSSL.
#include "domain/SetupRules.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

using namespace medbox::console::setup;

TEST(SetupRulesTest, HostNames) {
    EXPECT_EQ(checkHostname("medbox"), "");
    EXPECT_EQ(checkHostname("medbox-01.hospital.local"), "");
    EXPECT_EQ(checkHostname(std::string(63, 'a')), "");
    EXPECT_NE(checkHostname(std::string(64, 'a')), "");
    EXPECT_NE(checkHostname(""), "");
    EXPECT_NE(checkHostname("-medbox"), "");
    EXPECT_NE(checkHostname("medbox-"), "");
    EXPECT_NE(checkHostname("med_box"), "");
    EXPECT_NE(checkHostname("med box"), "");
    EXPECT_NE(checkHostname("a..b"), "");
    EXPECT_NE(checkHostname(".a"), "");
    EXPECT_NE(checkHostname("a."), "");
    EXPECT_NE(checkHostname("10.0.0.1"), "") << "an address is not a host name";
    EXPECT_NE(checkHostname("医院"), "");
    EXPECT_NE(checkHostname("a;rm -rf /"), "");
}

TEST(SetupRulesTest, AddressesAndCidr) {
    EXPECT_EQ(checkAddress("10.10.9.20"), "");
    EXPECT_EQ(checkAddress("fd10:10:9::20"), "");
    EXPECT_NE(checkAddress("10.10.9.256"), "");
    EXPECT_NE(checkAddress("10.10.9"), "");
    EXPECT_NE(checkAddress("10.10.9.20/24"), "");
    EXPECT_EQ(checkInterfaceCidr("10.10.9.20/24"), "");
    EXPECT_EQ(checkInterfaceCidr("fd10:10:9::20/64"), "");
    EXPECT_EQ(checkInterfaceCidr("10.10.9.0/31"), "") << "RFC 3021 point-to-point";
    EXPECT_NE(checkInterfaceCidr("10.10.9.20"), "");
    EXPECT_NE(checkInterfaceCidr("10.10.9.20/33"), "");
    EXPECT_NE(checkInterfaceCidr("10.10.9.20/4"), "");
    EXPECT_NE(checkInterfaceCidr("10.10.9.0/24"), "") << "the network's own address";
    EXPECT_NE(checkInterfaceCidr("10.10.9.255/24"), "") << "broadcast";
    EXPECT_NE(checkInterfaceCidr("10.10.9.20/2x"), "");
    EXPECT_NE(checkInterfaceCidr("10.10.9.20/"), "");
    EXPECT_EQ(checkNetworkCidr("10.10.9.0/24"), "");
    EXPECT_EQ(checkNetworkCidr("0.0.0.0/0"), "");
    EXPECT_NE(checkNetworkCidr("10.10.9.1/24"), "") << "host bits set";
    EXPECT_EQ(checkGatewayIn("10.10.9.1", "10.10.9.20/24"), "");
    EXPECT_NE(checkGatewayIn("10.10.8.1", "10.10.9.20/24"), "");
    EXPECT_NE(checkGatewayIn("10.10.9.20", "10.10.9.20/24"), "");
    EXPECT_NE(checkGatewayIn("fd10::1", "10.10.9.20/24"), "");
    EXPECT_EQ(checkPort(2575), "");
    EXPECT_NE(checkPort(0), "");
    EXPECT_NE(checkPort(65536), "");
}

TEST(SetupRulesTest, TimeServers) {
    EXPECT_EQ(checkNtpServer("ntp.aliyun.com"), "");
    EXPECT_EQ(checkNtpServer("10.10.2.1"), "");
    EXPECT_EQ(checkNtpServer("fd10::1"), "");
    EXPECT_NE(checkNtpServer("ntp server"), "");
    EXPECT_NE(checkNtpServer(""), "");
    EXPECT_NE(checkNtpServer("ntp.example.com\nNTP=evil"), "") << "no line breaks into timesyncd.conf";
}

namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

KeyPtr newKey() { return KeyPtr(EVP_EC_gen("P-256"), &EVP_PKEY_free); }

// A certificate for `name` with subject key `key`, signed by issuerKey
// (issuer name issuerCn), valid from now+fromDays to now+toDays.
CertPtr makeCert(const std::string& cn, const std::string& san, EVP_PKEY* key, EVP_PKEY* issuerKey,
                 const std::string& issuerCn, long fromDays = -1, long toDays = 30) {
    CertPtr c(X509_new(), &X509_free);
    X509_set_version(c.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(c.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(c.get()), fromDays * 86400);
    X509_gmtime_adj(X509_getm_notAfter(c.get()), toDays * 86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(c.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(X509_get_issuer_name(c.get()), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(issuerCn.c_str()), -1, -1, 0);
    X509_set_pubkey(c.get(), key);
    if (!san.empty()) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str());
        X509_add_ext(c.get(), ext, -1);
        X509_EXTENSION_free(ext);
    }
    X509_sign(c.get(), issuerKey, EVP_sha256());
    return c;
}

std::string pem(X509* c) {
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, c);
    char* data;
    const long n = BIO_get_mem_data(b, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(b);
    return out;
}

std::string pem(EVP_PKEY* k) {
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
    char* data;
    const long n = BIO_get_mem_data(b, &data);
    std::string out(data, static_cast<size_t>(n));
    BIO_free(b);
    return out;
}

}  // namespace

TEST(SetupRulesTest, CertificateAndKeyMustMatchAndFit) {
    const long long now = std::time(nullptr);
    auto caKey = newKey(), key = newKey(), other = newKey();
    auto ca = makeCert("Hospital CA", "", caKey.get(), caKey.get(), "Hospital CA", -1, 3650);
    auto leaf = makeCert("medbox.hospital.local", "DNS:medbox.hospital.local,IP:10.10.9.20", key.get(), caKey.get(),
                         "Hospital CA");
    const auto chain = pem(leaf.get()) + pem(ca.get());

    auto ok = checkCertificateAndKey(chain, pem(key.get()), "medbox.hospital.local", now);
    EXPECT_EQ(ok.error, "");
    EXPECT_EQ(ok.names, (std::vector<std::string>{"medbox.hospital.local", "10.10.9.20"}));
    EXPECT_EQ(ok.sha256.size(), 95u);
    EXPECT_NE(ok.subject.find("medbox.hospital.local"), std::string::npos);

    auto wrongKey = checkCertificateAndKey(chain, pem(other.get()), "", now);
    EXPECT_EQ(wrongKey.field, "key");
    EXPECT_NE(wrongKey.error.find("does not belong"), std::string::npos);

    auto wrongName = checkCertificateAndKey(chain, pem(key.get()), "medbox2.hospital.local", now);
    EXPECT_EQ(wrongName.field, "certificate");
    EXPECT_NE(wrongName.error.find("host name"), std::string::npos);

    auto reversed = checkCertificateAndKey(pem(leaf.get()) + pem(leaf.get()), pem(key.get()), "", now);
    EXPECT_NE(reversed.error.find("chain"), std::string::npos) << reversed.error;

    auto expired = makeCert("old", "DNS:old", key.get(), caKey.get(), "Hospital CA", -60, -1);
    EXPECT_NE(checkCertificateAndKey(pem(expired.get()), pem(key.get()), "", now).error.find("expired"),
              std::string::npos);
    auto future = makeCert("new", "DNS:new", key.get(), caKey.get(), "Hospital CA", 2, 30);
    EXPECT_NE(checkCertificateAndKey(pem(future.get()), pem(key.get()), "", now).error.find("not valid yet"),
              std::string::npos);

    EXPECT_EQ(checkCertificateAndKey("garbage", pem(key.get()), "", now).field, "certificate");
    EXPECT_EQ(checkCertificateAndKey(chain, "garbage", "", now).field, "key");
}

TEST(SetupRulesTest, CsrNamesTheHostAndItsKeySignsACertificateThatPasses) {
    const auto csr = makeCsr("medbox.hospital.local", {"10.10.9.20", "medbox"}, "第一人民医院");
    BIO* b = BIO_new_mem_buf(csr.csrPem.data(), static_cast<int>(csr.csrPem.size()));
    X509_REQ* req = PEM_read_bio_X509_REQ(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    ASSERT_NE(req, nullptr);
    EVP_PKEY* pub = X509_REQ_get0_pubkey(req);
    EXPECT_EQ(X509_REQ_verify(req, pub), 1);
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req), NID_commonName, cn, sizeof cn);
    EXPECT_STREQ(cn, "medbox.hospital.local");
    // What the hospital's CA does with it: a certificate for the CSR's key.
    auto caKey = newKey();
    auto cert = makeCert("medbox.hospital.local", "DNS:medbox.hospital.local", pub, caKey.get(), "CA");
    EXPECT_EQ(checkCertificateAndKey(pem(cert.get()), csr.keyPem, "medbox.hospital.local", std::time(nullptr)).error,
              "");
    X509_REQ_free(req);
}
