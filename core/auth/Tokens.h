#pragma once
// Short-lived signed tokens (JWT, ES256). Staff tokens are signed only by the
// console's private key (kid "console"); a service signs its own service
// tokens with its own key (kid = service name). Verifiers hold public keys
// only: every "<kid>.pub.pem" in the trust folder. A service that is
// compromised can therefore not mint staff tokens. A staff token can be
// revoked before it expires (RevocationSet.h). See docs/security.md.
#include "core/auth/Principal.h"
#include "core/time/Clock.h"
#include <Poco/Crypto/ECKey.h>
#include <Poco/SharedPtr.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox {

class RevocationSet;

// How far clocks of the services on one box may disagree: a token is
// accepted this long after its exp (and before its nbf).
inline constexpr int64_t kTokenLeewayMs = 30'000;

// The two reasons for refusing a token that honest clients meet (a client
// refreshes or signs in again); the server tells them, while every other
// reason goes to the log only.
inline constexpr std::string_view kTokenExpired = "token expired";
inline constexpr std::string_view kTokenRevoked = "token was revoked";

// The longest lifetime (exp - iat) of a staff token: the console refuses a
// longer console.token_ttl_seconds, every verifier a longer token.
inline constexpr int kLongestStaffTokenSeconds = 86'400;

// Bounds a verifier puts on tokens beyond their signature (docs/security.md,
// "Tokens"): a token signed with a service's key cannot live longer than
// serviceMaxSeconds whatever its exp says, and a leaked token can be refused
// by its jti.
struct TokenLimits {
    int serviceMaxSeconds = 300;  // auth.service_token_max_seconds
    int staffMaxSeconds = kLongestStaffTokenSeconds;
    std::vector<std::string> refusedIds;  // auth.refused_token_ids
};

namespace keys {
// Creates an EC P-256 key pair if keyFile does not exist: keyFile (0600) and
// publicFile (0644). Returns true if it created them.
bool ensureKeyPair(const std::string& keyFile, const std::string& publicFile);
}

class TokenIssuer {
public:
    // kid: "console" for staff tokens, the service name for service tokens.
    TokenIssuer(const std::string& privateKeyFile, std::string kid, const Clock& clock);
    // Every token gets a random jti. issuedAt: the iat in seconds (0: now);
    // the console sets it so that a revocation cut-off made in the same
    // second does not catch a token whose roles were read after it.
    // *jti (if given) receives the token's id.
    std::string issue(const Principal& p, int ttlSeconds, int64_t issuedAt = 0, std::string* jti = nullptr) const;
    const std::string& kid() const { return kid_; }

private:
    Poco::SharedPtr<Poco::Crypto::ECKey> key_;
    std::string kid_;
    const Clock& clock_;
};

class TokenVerifier {
public:
    // trustDir holds "<kid>.pub.pem"; an unknown kid triggers one re-read of the
    // folder (a service that started later), at most once per 5 seconds.
    // revocations: staff tokens on it are refused (null: none are).
    TokenVerifier(std::string trustDir, const Clock& clock, std::string audience = "medbox",
                  const RevocationSet* revocations = nullptr, TokenLimits limits = {});
    // The principal, or nullopt with the reason in *why ("token was revoked"
    // for a staff token on the revocation list). A token must carry iat
    // (not in the future), exp, jti, and live no longer than its kind's maximum.
    std::optional<Principal> verify(const std::string& jwt, std::string* why = nullptr) const;
    // Whether a principal verified earlier has been revoked since (the
    // server caches verified tokens; the list changes under it).
    bool revoked(const Principal& p) const;

private:
    void reload() const;
    std::string trustDir_;
    const Clock& clock_;
    std::string audience_;
    const RevocationSet* revocations_;
    TokenLimits limits_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, Poco::SharedPtr<Poco::Crypto::ECKey>> keys_;
    mutable int64_t lastReloadMs_ = -1;
};

}  // namespace medbox
