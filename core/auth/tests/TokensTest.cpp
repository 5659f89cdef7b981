#include "core/auth/Tokens.h"
#include "core/auth/RevocationSet.h"
#include "core/testing/TempDir.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/File.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <sstream>

using namespace medbox;

namespace {

std::string b64url(const std::string& in) {
    static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : in) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += a[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += a[(acc << (6 - bits)) & 63];
    return out;
}

std::string unb64url(const std::string& in) {
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '-'             ? 62
                                       : 63;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::vector<std::string> parts(const std::string& jwt) {
    std::vector<std::string> out;
    std::stringstream in(jwt);
    std::string p;
    while (std::getline(in, p, '.')) out.push_back(p);
    return out;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A trust folder with public keys of "console" and "portal", private keys beside it.
struct Keys {
    testutil::TempDir dir;
    std::string trust = dir.file("trust");
    std::string priv(const std::string& kid) const { return dir.file("private/" + kid + ".key.pem"); }
    std::string pub(const std::string& kid) const { return trust + "/" + kid + ".pub.pem"; }
    Keys() {
        keys::ensureKeyPair(priv("console"), pub("console"));
        keys::ensureKeyPair(priv("portal"), pub("portal"));
    }
};

Principal staff(const std::string& name, std::vector<std::string> roles) {
    return Principal{Principal::Kind::Staff, name, std::move(roles)};
}

}  // namespace

TEST(TokensTest, EnsureKeyPairCreatesOnceWithPrivateMode) {
    testutil::TempDir dir;
    std::string key = dir.file("a/b/k.pem"), pub = dir.file("c/k.pub.pem");
    EXPECT_TRUE(keys::ensureKeyPair(key, pub));
    struct stat st {};
    ASSERT_EQ(::stat(key.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(pub.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    std::string before = readFile(key);
    EXPECT_FALSE(keys::ensureKeyPair(key, pub));
    EXPECT_EQ(readFile(key), before);
    EXPECT_NE(readFile(pub).find("PUBLIC KEY"), std::string::npos);
}

TEST(TokensTest, StaffTokenFromConsoleVerifies) {
    Keys k;
    ManualClock clock;
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenVerifier verifier(k.trust, clock);
    std::string jwt = console.issue(staff("zhangsan", {"admin", "scheduler"}), 600);
    std::string why;
    auto p = verifier.verify(jwt, &why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->kind, Principal::Kind::Staff);
    EXPECT_EQ(p->subject, "zhangsan");
    EXPECT_EQ(p->roles, (std::vector<std::string>{"admin", "scheduler"}));
    EXPECT_EQ(p->expiresMs, clock.nowMs() + 600'000);
    // Claims as documented.
    auto header = unb64url(parts(jwt)[0]);
    auto payload = unb64url(parts(jwt)[1]);
    EXPECT_NE(header.find("\"kid\":\"console\""), std::string::npos) << header;
    EXPECT_NE(header.find("\"alg\":\"ES256\""), std::string::npos) << header;
    EXPECT_NE(payload.find("\"iss\":\"console\""), std::string::npos) << payload;
    EXPECT_NE(payload.find("\"aud\":\"medbox\""), std::string::npos) << payload;
    EXPECT_NE(payload.find("\"typ\":\"staff\""), std::string::npos) << payload;
}

TEST(TokensTest, ServiceTokenVerifiesOnlyForItsOwnName) {
    Keys k;
    ManualClock clock;
    TokenIssuer portal(k.priv("portal"), "portal", clock);
    TokenVerifier verifier(k.trust, clock);
    std::string why;
    auto p = verifier.verify(portal.issue(Principal{Principal::Kind::Service, "portal", {"service"}}, 300), &why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->kind, Principal::Kind::Service);
    EXPECT_EQ(p->subject, "portal");
    EXPECT_FALSE(verifier.verify(portal.issue(Principal{Principal::Kind::Service, "booking", {"service"}}, 300), &why));
    EXPECT_NE(why.find("subject"), std::string::npos) << why;
}

TEST(TokensTest, StaffTokenSignedByAServiceKeyIsRefused) {
    Keys k;
    ManualClock clock;
    TokenIssuer portal(k.priv("portal"), "portal", clock);
    TokenVerifier verifier(k.trust, clock);
    std::string why;
    EXPECT_FALSE(verifier.verify(portal.issue(staff("root", {"admin"}), 300), &why));
    EXPECT_NE(why.find("console"), std::string::npos) << why;
}

TEST(TokensTest, ExpiredTokenIsRefusedAfterLeeway) {
    Keys k;
    ManualClock clock;
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenVerifier verifier(k.trust, clock);
    std::string jwt = console.issue(staff("zhangsan", {"admin"}), 60);
    clock.advanceMs(60'000 + 29'000);  // inside the 30 s leeway
    EXPECT_TRUE(verifier.verify(jwt));
    clock.advanceMs(2'000);
    std::string why;
    EXPECT_FALSE(verifier.verify(jwt, &why));
    EXPECT_EQ(why, "token expired");
}

TEST(TokensTest, TamperedPayloadIsRefused) {
    Keys k;
    ManualClock clock;
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenVerifier verifier(k.trust, clock);
    auto p = parts(console.issue(staff("nurse", {"nurse"}), 600));
    ASSERT_EQ(p.size(), 3u);
    std::string payload = unb64url(p[1]);
    auto pos = payload.find("\"nurse\"]");
    ASSERT_NE(pos, std::string::npos) << payload;
    payload.replace(pos, 7, "\"admin\"");
    std::string why;
    EXPECT_FALSE(verifier.verify(p[0] + "." + b64url(payload) + "." + p[2], &why));
    EXPECT_EQ(why, "bad signature");
    // The same token untouched still verifies (the test can tell the difference).
    EXPECT_TRUE(verifier.verify(p[0] + "." + p[1] + "." + p[2]));
}

// A signature that is not 64 bytes of base64url is refused before Poco parses
// it (Poco leaks on some; core/auth/fuzz found it).
TEST(TokensTest, AMalformedSignatureIsRefusedBeforeItIsChecked) {
    Keys k;
    ManualClock clock;
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenVerifier verifier(k.trust, clock);
    auto p = parts(console.issue(staff("nurse", {"nurse"}), 600));
    ASSERT_EQ(p.size(), 3u);
    for (const std::string& sig : {p[2].substr(0, 85), p[2] + "AA", std::string("c2l\0\0nbmF0dXJl", 14),
                                   std::string(86, '*'), b64url(std::string(63, 'x'))}) {
        std::string why;
        EXPECT_FALSE(verifier.verify(p[0] + "." + p[1] + "." + sig, &why));
        EXPECT_EQ(why, "malformed signature") << sig;
    }
    std::string why;
    EXPECT_FALSE(verifier.verify(p[0] + "." + p[1] + "." + b64url(std::string(64, 'x')), &why));
    EXPECT_EQ(why, "bad signature");
    EXPECT_TRUE(verifier.verify(p[0] + "." + p[1] + "." + p[2]));
}

TEST(TokensTest, AlgNoneAndHmacAreRefused) {
    Keys k;
    ManualClock clock;
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenVerifier verifier(k.trust, clock);
    auto p = parts(console.issue(staff("zhangsan", {"admin"}), 600));
    std::string why;
    std::string none = b64url(R"({"alg":"none","kid":"console","typ":"JWT"})");
    EXPECT_FALSE(verifier.verify(none + "." + p[1] + ".", &why));
    EXPECT_FALSE(verifier.verify(none + "." + p[1] + "." + p[2], &why));
    EXPECT_EQ(why, "algorithm must be ES256");
    std::string noneLower = b64url(R"({"alg":"NONE","kid":"console"})");
    EXPECT_FALSE(verifier.verify(noneLower + "." + p[1] + "." + p[2], &why));

    // HS256 keyed with the (public) key file: the classic algorithm confusion attack.
    Poco::JWT::Token t;
    t.setType("JWT");
    t.header().set("kid", std::string("console"));
    t.setIssuer("console");
    t.setSubject("attacker");
    t.setAudience("medbox");
    t.payload().set("typ", std::string("staff"));
    t.payload().set("exp", static_cast<Poco::Int64>(clock.nowSeconds() + 600));
    Poco::JWT::Signer hmac(readFile(k.pub("console")));
    std::string forged = hmac.sign(t, Poco::JWT::Signer::ALGO_HS256);
    EXPECT_FALSE(verifier.verify(forged, &why));
    EXPECT_EQ(why, "algorithm must be ES256");
}

TEST(TokensTest, GarbageReturnsNulloptWithReason) {
    Keys k;
    ManualClock clock;
    TokenVerifier verifier(k.trust, clock);
    const std::vector<std::string> garbage = {
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "..",
        "a..c",
        "!!!.###.$$$",
        b64url("not json") + ".e30.c2ln",
        b64url("[1,2,3]") + ".e30.c2ln",
        b64url("\"str\"") + ".e30.c2ln",
        b64url(R"({"alg":"ES256"})") + ".e30.c2ln",
        b64url(R"({"alg":"ES256","kid":42})") + ".e30.c2ln",
        b64url(R"({"alg":"ES256","kid":"../../etc/passwd"})") + ".e30.c2ln",
        b64url(R"({"alg":"ES256","kid":"Console"})") + ".e30.c2ln",
        b64url(R"({"alg":"ES256","kid":"nobody"})") + ".e30.c2ln",
        b64url(R"({"alg":"ES256","kid":"console"})") + ".e30.c2ln",
        b64url(R"({"alg":"ES256","kid":"console"})") + "." + b64url("{{{{") + ".c2ln",
        b64url(R"({"alg":"ES256","kid":"console"})") + "." + b64url(std::string(5000, '[')) + ".c2ln",
        std::string(100'000, 'a') + ".b.c",
        std::string("\xff\xfe\x00\x01", 4) + ".\x80.\x81",
    };
    for (const auto& g : garbage) {
        std::string why;
        std::optional<Principal> p;
        EXPECT_NO_THROW(p = verifier.verify(g, &why)) << g.substr(0, 80);
        EXPECT_FALSE(p) << g.substr(0, 80);
        EXPECT_FALSE(why.empty()) << g.substr(0, 80);
    }
}

TEST(TokensTest, WrongAudienceIsRefused) {
    Keys k;
    ManualClock clock;
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenVerifier other(k.trust, clock, "elsewhere");
    std::string why;
    EXPECT_FALSE(other.verify(console.issue(staff("zhangsan", {"admin"}), 600), &why));
    EXPECT_EQ(why, "wrong audience");
}

TEST(TokensTest, UnknownKidReloadsAtMostEveryFiveSeconds) {
    Keys k;
    ManualClock clock;
    TokenVerifier verifier(k.trust, clock);
    std::string why;
    // A service that starts after the verifier: its key is not known yet.
    EXPECT_FALSE(verifier.verify(b64url(R"({"alg":"ES256","kid":"booking"})") + ".e30.c2ln", &why));
    EXPECT_EQ(why, "unknown key id 'booking'");
    keys::ensureKeyPair(k.priv("booking"), k.pub("booking"));
    TokenIssuer booking(k.priv("booking"), "booking", clock);
    std::string jwt = booking.issue(Principal{Principal::Kind::Service, "booking", {"service"}}, 300);
    clock.advanceMs(4'000);
    EXPECT_FALSE(verifier.verify(jwt, &why));  // re-read 4 s ago: not again yet
    EXPECT_EQ(why, "unknown key id 'booking'");
    clock.advanceMs(1'000);
    EXPECT_TRUE(verifier.verify(jwt, &why)) << why;
}

TEST(TokensTest, IssuerRefusesBadKidAndMissingKey) {
    Keys k;
    ManualClock clock;
    EXPECT_THROW(TokenIssuer(k.priv("console"), "../console", clock), std::invalid_argument);
    EXPECT_THROW(TokenIssuer(k.dir.file("missing.pem"), "console", clock), std::runtime_error);
}

namespace {

// A staff token signed with the console's real key, with claims a test chooses.
// A token signed with kid's private key, with the claims our issuers set
// (typ staff for the console, service otherwise), changed by edit.
std::string signedToken(const Keys& k, const std::string& kid, const Clock& clock,
                        const std::function<void(Poco::JWT::Token&)>& edit) {
    Poco::JWT::Token t;
    t.setType("JWT");
    t.header().set("kid", kid);
    t.setIssuer(kid);
    t.setSubject(kid == "console" ? "nurse.a" : kid);
    t.setAudience("medbox");
    t.payload().set("typ", std::string(kid == "console" ? "staff" : "service"));
    t.payload().set("iat", static_cast<Poco::Int64>(clock.nowSeconds()));
    t.payload().set("exp", static_cast<Poco::Int64>(clock.nowSeconds() + (kid == "console" ? 600 : 300)));
    t.payload().set("jti", std::string("0123456789abcdef0123456789abcdef"));
    edit(t);
    Poco::JWT::Signer signer(Poco::SharedPtr<Poco::Crypto::ECKey>(new Poco::Crypto::ECKey("", k.priv(kid), "")));
    return signer.sign(t, Poco::JWT::Signer::ALGO_ES256);
}

std::string consoleToken(const Keys& k, const Clock& clock, const std::function<void(Poco::JWT::Token&)>& edit) {
    return signedToken(k, "console", clock, edit);
}

}  // namespace

TEST(TokensTest, EveryTokenHasItsOwnJtiAndItsIat) {
    Keys k;
    ManualClock clock(1'767'225'600'700);  // 0.7 s into a second
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenVerifier verifier(k.trust, clock);
    const auto a = verifier.verify(console.issue(staff("nurse.a", {"nurse"}), 600));
    const auto b = verifier.verify(console.issue(staff("nurse.a", {"nurse"}), 600));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->tokenId.size(), 32u);
    EXPECT_NE(a->tokenId, b->tokenId);
    EXPECT_EQ(a->issuedAtMs, 1'767'225'600'000);  // whole seconds
    EXPECT_EQ(a->expiresMs, 1'767'225'600'000 + 600'000);
    // The console may set iat (the next second, after a cut-off in this one).
    const auto c = verifier.verify(console.issue(staff("nurse.a", {"nurse"}), 600, 1'767'225'601));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->issuedAtMs, 1'767'225'601'000);
    EXPECT_EQ(c->expiresMs, 1'767'225'601'000 + 600'000);
}

TEST(TokensTest, MalformedJtiOrIatIsRefused) {
    Keys k;
    ManualClock clock;
    TokenVerifier verifier(k.trust, clock);
    std::string why;
    EXPECT_FALSE(verifier.verify(consoleToken(k, clock, [](auto& t) { t.payload().set("jti", 42); }), &why));
    EXPECT_EQ(why, "malformed jti claim");
    EXPECT_FALSE(verifier.verify(consoleToken(k, clock, [](auto& t) { t.payload().set("jti", std::string()); }), &why));
    EXPECT_EQ(why, "malformed jti claim");
    EXPECT_FALSE(
        verifier.verify(consoleToken(k, clock, [](auto& t) { t.payload().set("jti", std::string(200, 'a')); }), &why));
    EXPECT_EQ(why, "malformed jti claim");
    EXPECT_FALSE(
        verifier.verify(consoleToken(k, clock, [](auto& t) { t.payload().set("iat", std::string("x")); }), &why));
    EXPECT_EQ(why, "token has no valid iat");
}

// Issue 9, D3: a token signed with a service's key, exp ten years ahead,
// was accepted -- one leaked key or token was permanent access.
TEST(TokensTest, LifetimeIsBoundedAndIatJtiAreRequired) {
    Keys k;
    ManualClock clock(1'767'225'600'000);
    TokenLimits limits;
    limits.refusedIds = {"leaked-token-id"};
    TokenVerifier verifier(k.trust, clock, "medbox", nullptr, limits);
    const int64_t now = clock.nowSeconds();
    auto refusal = [&](const std::string& kid, const std::function<void(Poco::JWT::Token&)>& edit) {
        std::string why;
        EXPECT_FALSE(verifier.verify(signedToken(k, kid, clock, edit), &why));
        return why;
    };
    auto set = [](const char* claim, int64_t v) {
        return [=](Poco::JWT::Token& t) { t.payload().set(claim, static_cast<Poco::Int64>(v)); };
    };
    EXPECT_TRUE(verifier.verify(signedToken(k, "portal", clock, [](auto&) {})));
    EXPECT_TRUE(verifier.verify(signedToken(k, "portal", clock, set("exp", now + 300))));
    EXPECT_EQ(refusal("portal", set("exp", now + 301)),
              "service token lives longer than auth.service_token_max_seconds");
    EXPECT_EQ(refusal("portal", set("exp", now + 10 * 365 * 86'400)),
              "service token lives longer than auth.service_token_max_seconds");
    EXPECT_EQ(refusal("portal", [](auto& t) { t.payload().remove("iat"); }), "token has no valid iat");
    EXPECT_EQ(refusal("portal",
                      [&](auto& t) {
                          t.payload().set("iat", static_cast<Poco::Int64>(now + 3600));
                          t.payload().set("exp", static_cast<Poco::Int64>(now + 3700));
                      }),
              "token issued in the future");
    EXPECT_TRUE(verifier.verify(signedToken(k, "portal", clock, set("iat", now + 20))));  // clock skew
    EXPECT_EQ(refusal("portal", [](auto& t) { t.payload().remove("jti"); }), "token has no jti");
    EXPECT_EQ(refusal("portal", [](auto& t) { t.payload().set("jti", std::string("leaked-token-id")); }),
              "token id is refused (auth.refused_token_ids)");
    EXPECT_EQ(refusal("portal", set("nbf", now + 120)), "token not yet valid");
    EXPECT_EQ(refusal("portal", set("exp", now - 1)), "token expires before it was issued");
    // Staff tokens: the console's own maximum.
    EXPECT_TRUE(verifier.verify(consoleToken(k, clock, set("exp", now + kLongestStaffTokenSeconds))));
    EXPECT_EQ(refusal("console", set("exp", now + kLongestStaffTokenSeconds + 1)),
              "staff token lives longer than allowed");
    // The limit is a setting.
    TokenLimits longer;
    longer.serviceMaxSeconds = 3600;
    TokenVerifier lenient(k.trust, clock, "medbox", nullptr, longer);
    EXPECT_TRUE(lenient.verify(signedToken(k, "portal", clock, set("exp", now + 3600))));
}

TEST(TokensTest, ARevokedStaffTokenIsRefusedAndSaysSo) {
    Keys k;
    ManualClock clock;
    RevocationSet revoked;
    TokenIssuer console(k.priv("console"), "console", clock);
    TokenIssuer portal(k.priv("portal"), "portal", clock);
    TokenVerifier verifier(k.trust, clock, "medbox", &revoked);
    const std::string byJti = console.issue(staff("nurse.a", {"nurse"}), 600);
    const std::string sibling = console.issue(staff("nurse.a", {"nurse"}), 600);
    const std::string ofUser = console.issue(staff("nurse.b", {"nurse"}), 600);
    const std::string service = portal.issue(Principal{Principal::Kind::Service, "portal", {"service"}}, 300);
    const auto p = verifier.verify(byJti);
    ASSERT_TRUE(p);

    revoked.add({Revocation{1, Revocation::Kind::Token, p->tokenId, clock.nowMs(), p->expiresMs},
                 Revocation{2, Revocation::Kind::Subject, "nurse.b", clock.nowMs(), clock.nowMs() + 86'400'000},
                 Revocation{3, Revocation::Kind::Subject, "portal", clock.nowMs(), clock.nowMs() + 86'400'000}},
                clock.nowMs());
    std::string why;
    EXPECT_FALSE(verifier.verify(byJti, &why));
    EXPECT_EQ(why, "token was revoked");
    EXPECT_FALSE(verifier.verify(ofUser, &why));
    EXPECT_EQ(why, "token was revoked");
    EXPECT_TRUE(verifier.verify(sibling, &why)) << why;
    EXPECT_TRUE(verifier.verify(service, &why)) << why;  // service tokens are not revoked this way
    // A principal verified (and cached) before the revocation.
    EXPECT_TRUE(verifier.revoked(*p));
    // nurse.b logs in again after the cut-off: a new session.
    clock.advanceMs(1000);
    EXPECT_TRUE(verifier.verify(console.issue(staff("nurse.b", {"nurse"}), 600), &why)) << why;
    // Without a set nothing is revoked.
    TokenVerifier plain(k.trust, clock);
    EXPECT_TRUE(plain.verify(byJti, &why)) << why;
    EXPECT_FALSE(plain.revoked(*p));
}
