#include "core/auth/Tokens.h"
#include "core/auth/RevocationSet.h"
#include "core/util/Files.h"
#include "core/util/Ids.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Path.h>
#include <openssl/obj_mac.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace medbox {

namespace {

constexpr const char* kAlgorithm = "ES256";
constexpr size_t kMaxTokenIdBytes = 128;  // ours are 32 hex digits
constexpr int64_t kReloadIntervalMs = 5'000;
constexpr size_t kMaxTokenBytes = 8 * 1024;  // far above any token we issue; bounds parsing work
constexpr const char* kPublicSuffix = ".pub.pem";

// [a-z][a-z0-9_-]{0,31}: the kid names a file, so nothing that could walk the path.
bool validKid(const std::string& kid) {
    if (kid.empty() || kid.size() > 32 || kid[0] < 'a' || kid[0] > 'z') return false;
    for (char c : kid) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    }
    return true;
}

// Strict base64url without padding (RFC 7515); nullopt on any other byte.
std::optional<std::string> base64UrlDecode(std::string_view in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    };
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(in.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

bool isP256(const Poco::Crypto::ECKey& key) { return key.impl()->groupId() == NID_X9_62_prime256v1; }

// A JSON number claim as whole seconds; nullopt when absent or not a number.
std::optional<int64_t> numericClaim(const Poco::JSON::Object& payload, const std::string& name) {
    if (!payload.has(name)) return std::nullopt;
    Poco::Dynamic::Var v = payload.get(name);
    if (!v.isNumeric()) return std::nullopt;
    double d = v.convert<double>();
    if (!std::isfinite(d) || d < 0 || d > 1e13) return std::nullopt;
    return static_cast<int64_t>(d);
}

}  // namespace

namespace keys {

bool ensureKeyPair(const std::string& keyFile, const std::string& publicFile) {
    if (Poco::File(keyFile).exists()) {
        // The public half can be recreated from the private key (e.g. deleted by hand).
        if (!Poco::File(publicFile).exists()) {
            Poco::Crypto::ECKey key("", keyFile, "");
            std::ostringstream pub;
            key.save(&pub, nullptr, "");
            files::writeAtomically(publicFile, pub.str(), 0644);
        }
        return false;
    }
    Poco::Crypto::ECKey key("prime256v1");
    std::ostringstream pub, priv;
    key.save(&pub, &priv, "");
    // Private first: a crash in between leaves a key whose public half is recreated above.
    files::writeAtomically(keyFile, priv.str(), 0600);
    files::writeAtomically(publicFile, pub.str(), 0644);
    return true;
}

}  // namespace keys

TokenIssuer::TokenIssuer(const std::string& privateKeyFile, std::string kid, const Clock& clock)
    : kid_(std::move(kid)), clock_(clock) {
    if (!validKid(kid_)) throw std::invalid_argument("token key id '" + kid_ + "' must match [a-z][a-z0-9_-]{0,31}");
    try {
        key_ = new Poco::Crypto::ECKey("", privateKeyFile, "");
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot load signing key '" + privateKeyFile + "': " + e.displayText());
    }
    if (!isP256(*key_)) throw std::runtime_error("signing key '" + privateKeyFile + "' is not an EC P-256 key");
}

std::string TokenIssuer::issue(const Principal& p, int ttlSeconds, int64_t issuedAt, std::string* jti) const {
    const int64_t iat = issuedAt > 0 ? issuedAt : clock_.nowSeconds();
    Poco::JWT::Token token;
    token.setType("JWT");
    token.header().set("kid", kid_);
    token.setIssuer(kid_);
    token.setSubject(p.subject);
    token.setAudience("medbox");
    token.payload().set("iat", static_cast<Poco::Int64>(iat));
    token.payload().set("exp", static_cast<Poco::Int64>(iat + ttlSeconds));
    // Names this one token, so that a logout can end it alone.
    const std::string id = ids::random128();
    token.payload().set("jti", id);
    if (jti) *jti = id;
    token.payload().set("typ", std::string(p.kind == Principal::Kind::Staff ? "staff" : "service"));
    // When the session began (the password was typed): refreshes carry it on,
    // so the console can end a session at its maximum age.
    if (p.authTimeMs > 0) token.payload().set("auth_time", static_cast<Poco::Int64>(p.authTimeMs / 1000));
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    for (const auto& r : p.roles) roles->add(r);
    token.payload().set("roles", roles);
    Poco::JWT::Signer signer(key_);
    signer.setAlgorithms({kAlgorithm});
    return signer.sign(token, kAlgorithm);
}

TokenVerifier::TokenVerifier(std::string trustDir, const Clock& clock, std::string audience,
                             const RevocationSet* revocations, TokenLimits limits)
    : trustDir_(std::move(trustDir)),
      clock_(clock),
      audience_(std::move(audience)),
      revocations_(revocations),
      limits_(std::move(limits)) {
    std::lock_guard<std::mutex> lock(mutex_);
    reload();
    // Not counted against the rate limit: the first unknown kid may re-read at once.
    lastReloadMs_ = -1;
}

// Called with mutex_ held. Replaces the key set with what the folder holds now,
// so a removed key file stops being trusted at the next reload. A file that
// cannot be loaded is kept as a null entry, so verify() can say why.
void TokenVerifier::reload() const {
    lastReloadMs_ = clock_.nowMs();
    std::map<std::string, Poco::SharedPtr<Poco::Crypto::ECKey>> fresh;
    DIR* dir = ::opendir(trustDir_.c_str());
    if (!dir) {
        keys_.swap(fresh);
        return;
    }
    const std::string suffix = kPublicSuffix;
    while (dirent* e = ::readdir(dir)) {
        std::string file = e->d_name;
        if (file.size() <= suffix.size() || file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        std::string kid = file.substr(0, file.size() - suffix.size());
        if (!validKid(kid)) continue;
        Poco::SharedPtr<Poco::Crypto::ECKey> key;
        try {
            key = new Poco::Crypto::ECKey(trustDir_ + "/" + file, "", "");
            if (!isP256(*key)) key.reset();
        } catch (const Poco::Exception&) {
            key.reset();  // reported per token by verify(): "key file for kid ... cannot be loaded"
        }
        fresh[kid] = key;
    }
    ::closedir(dir);
    keys_.swap(fresh);
}

std::optional<Principal> TokenVerifier::verify(const std::string& jwt, std::string* why) const {
    auto fail = [why](std::string reason) -> std::optional<Principal> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    if (jwt.empty()) return fail("empty token");
    if (jwt.size() > kMaxTokenBytes) return fail("token too long");
    const size_t dot1 = jwt.find('.');
    const size_t dot2 = dot1 == std::string::npos ? dot1 : jwt.find('.', dot1 + 1);
    if (dot1 == std::string::npos || dot2 == std::string::npos || jwt.find('.', dot2 + 1) != std::string::npos) {
        return fail("not a JWT (expected three dot-separated parts)");
    }
    if (dot1 == 0 || dot2 == dot1 + 1 || dot2 + 1 == jwt.size()) return fail("not a JWT (empty part)");

    try {
        // The header is read before any key is chosen: it names the key, and its
        // algorithm must be ours (never "none" or an HMAC keyed with a public key).
        auto headerText = base64UrlDecode(std::string_view(jwt).substr(0, dot1));
        if (!headerText) return fail("malformed header (not base64url)");
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var headerVar = parser.parse(*headerText);
        if (headerVar.type() != typeid(Poco::JSON::Object::Ptr)) return fail("malformed header (not a JSON object)");
        auto header = headerVar.extract<Poco::JSON::Object::Ptr>();
        if (!header) return fail("malformed header (not a JSON object)");
        if (!header->has("alg") || !header->get("alg").isString() ||
            header->getValue<std::string>("alg") != kAlgorithm) {
            return fail("algorithm must be ES256");
        }
        if (!header->has("kid") || !header->get("kid").isString()) return fail("header has no key id");
        const std::string kid = header->getValue<std::string>("kid");
        if (!validKid(kid)) return fail("malformed key id");

        Poco::SharedPtr<Poco::Crypto::ECKey> key;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            auto it = keys_.find(kid);
            const int64_t now = clock_.nowMs();
            if (it == keys_.end() && (lastReloadMs_ < 0 || now - lastReloadMs_ >= kReloadIntervalMs)) {
                reload();
                it = keys_.find(kid);
            }
            if (it == keys_.end()) return fail("unknown key id '" + kid + "'");
            if (!it->second) return fail("key file for key id '" + kid + "' cannot be loaded or is not EC P-256");
            key = it->second;
        }

        // An ES256 signature is r||s, 64 bytes. Checked before Poco sees it:
        // Poco 1.11's ECDSASignature leaks its ECDSA_SIG when it refuses a
        // malformed one, 16 bytes per request anyone can send (found by core/auth/fuzz).
        if (auto sig = base64UrlDecode(std::string_view(jwt).substr(dot2 + 1)); !sig || sig->size() != 64)
            return fail("malformed signature");
        Poco::JWT::Signer signer(key);
        signer.setAlgorithms({kAlgorithm});
        Poco::JWT::Token token;
        if (!signer.tryVerify(jwt, token)) return fail("bad signature");

        const Poco::JSON::Object& payload = token.payload();
        Principal p;
        const int64_t nowMs = clock_.nowMs();
        auto exp = numericClaim(payload, "exp");
        if (!exp) return fail("token has no valid expiry");
        if (nowMs > *exp * 1000 + kTokenLeewayMs) return fail(std::string(kTokenExpired));
        p.expiresMs = *exp * 1000;
        // A token without iat or jti, or issued in the future, could be valid
        // for as long as its exp says: a signing key that leaks once would
        // give permanent access (issue 9, D3).
        auto iat = numericClaim(payload, "iat");
        if (!iat) return fail("token has no valid iat");
        if (*iat * 1000 > nowMs + kTokenLeewayMs) return fail("token issued in the future");
        if (*exp < *iat) return fail("token expires before it was issued");
        p.issuedAtMs = *iat * 1000;
        if (payload.has("auth_time")) {
            auto at = numericClaim(payload, "auth_time");
            if (!at || *at > *iat) return fail("malformed auth_time claim");
            p.authTimeMs = *at * 1000;
        }
        if (!payload.has("jti")) return fail("token has no jti");
        if (!payload.get("jti").isString()) return fail("malformed jti claim");
        p.tokenId = payload.getValue<std::string>("jti");
        if (p.tokenId.empty() || p.tokenId.size() > kMaxTokenIdBytes) return fail("malformed jti claim");
        for (const auto& refused : limits_.refusedIds)
            if (p.tokenId == refused) return fail("token id is refused (auth.refused_token_ids)");
        if (payload.has("nbf")) {
            auto nbf = numericClaim(payload, "nbf");
            if (!nbf) return fail("malformed nbf claim");
            if (nowMs + kTokenLeewayMs < *nbf * 1000) return fail("token not yet valid");
        }

        bool audienceOk = false;
        if (payload.has("aud")) {
            Poco::Dynamic::Var aud = payload.get("aud");
            if (aud.isString()) {
                audienceOk = aud.convert<std::string>() == audience_;
            } else if (auto arr = payload.getArray("aud")) {
                for (size_t i = 0; i < arr->size(); ++i) {
                    if (arr->get(static_cast<unsigned>(i)).isString() &&
                        arr->getElement<std::string>(static_cast<unsigned>(i)) == audience_) {
                        audienceOk = true;
                    }
                }
            }
        }
        if (!audienceOk) return fail("wrong audience");

        if (!payload.has("iss") || !payload.get("iss").isString() || payload.getValue<std::string>("iss") != kid) {
            return fail("issuer does not match key id");
        }
        if (!payload.has("sub") || !payload.get("sub").isString()) return fail("token has no subject");
        p.subject = payload.getValue<std::string>("sub");
        if (p.subject.empty()) return fail("token has no subject");
        if (!payload.has("typ") || !payload.get("typ").isString()) return fail("token has no type");
        const std::string typ = payload.getValue<std::string>("typ");
        if (typ == "staff") {
            // Only the console holds the key that may speak for staff.
            if (kid != "console") return fail("staff token not signed by the console");
            if (*exp - *iat > limits_.staffMaxSeconds) return fail("staff token lives longer than allowed");
            p.kind = Principal::Kind::Staff;
        } else if (typ == "service") {
            // A service speaks only for itself.
            if (p.subject != kid) return fail("service token subject does not match its key");
            if (*exp - *iat > limits_.serviceMaxSeconds)
                return fail("service token lives longer than auth.service_token_max_seconds");
            p.kind = Principal::Kind::Service;
        } else {
            return fail("unknown token type");
        }
        if (payload.has("roles")) {
            auto roles = payload.getArray("roles");
            if (!roles) return fail("roles must be an array");
            for (size_t i = 0; i < roles->size(); ++i) {
                Poco::Dynamic::Var r = roles->get(static_cast<unsigned>(i));
                if (!r.isString()) return fail("roles must be strings");
                p.roles.push_back(r.convert<std::string>());
            }
        }
        // Last: only a token that is otherwise good is worth the lookup.
        if (revoked(p)) return fail(std::string(kTokenRevoked));
        return p;
    } catch (const Poco::Exception& e) {
        // Hostile input reaches Poco's JSON and JWT parsers: turn their
        // exceptions into a refusal rather than letting them escape.
        return fail("malformed token: " + e.displayText());
    } catch (const std::exception& e) {
        return fail(std::string("malformed token: ") + e.what());
    }
}

bool TokenVerifier::revoked(const Principal& p) const { return revocations_ && revocations_->revoked(p); }

}  // namespace medbox
