// libFuzzer target: TokenVerifier::verify, with real keys in a temporary
// trust folder (console and booking, made at start). The first byte picks:
//   even: the rest is the token as a client sends it (header, base64url,
//         the key lookup and the signature check see hostile bytes);
//   odd:  the rest is a claims object, signed here with the console's or
//         booking's key, so the claim checks behind the signature (types,
//         expiry, audience, roles, kid against sub) see hostile values.
// verify() must answer yes or no with a reason, never throw, crash or hang.
#include "core/auth/RevocationSet.h"
#include "core/auth/Tokens.h"
#include "core/time/Clock.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>

using namespace medbox;

namespace {

struct World {
    std::string dir;
    ManualClock clock;  // 2026-01-01: the seeds' claims are valid then
    RevocationSet revoked;
    std::unique_ptr<TokenVerifier> verifier;
    Poco::SharedPtr<Poco::Crypto::ECKey> console, booking;
};
World* world = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    char dir[] = "/tmp/medbox-token-fuzz-XXXXXX";
    if (!::mkdtemp(dir)) std::abort();
    world = new World;
    world->dir = dir;
    for (const char* kid : {"console", "booking"})
        keys::ensureKeyPair(world->dir + "/" + kid + ".key.pem", world->dir + "/trust/" + kid + ".pub.pem");
    world->console = new Poco::Crypto::ECKey("", world->dir + "/console.key.pem");
    world->booking = new Poco::Crypto::ECKey("", world->dir + "/booking.key.pem");
    // One revoked token and one revoked user, so that path runs too.
    world->revoked.add({Revocation{1, Revocation::Kind::Token, "revoked-jti", 0, 4'102'444'800'000},
                        Revocation{2, Revocation::Kind::Subject, "nurse.gone", 1'767'225'600'000, 4'102'444'800'000}},
                       world->clock.nowMs());
    world->verifier = std::make_unique<TokenVerifier>(world->dir + "/trust", world->clock, "medbox", &world->revoked);
    std::atexit([] { std::filesystem::remove_all(world->dir); });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string why;
    if (data[0] % 2 == 0) {
        world->verifier->verify(rest, &why);
        return 0;
    }
    Poco::JSON::Object::Ptr claims;
    try {
        Poco::JSON::Parser parser;
        claims = parser.parse(rest).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        return 0;  // not a claims object: nothing to sign
    } catch (const std::bad_cast&) {
        return 0;
    }
    if (!claims) return 0;
    Poco::JWT::Token token;
    for (const auto& [name, value] : *claims) token.payload().set(name, value);
    const bool asConsole = (data[0] & 2) == 0;
    token.header().set("kid", std::string(asConsole ? "console" : "booking"));
    Poco::JWT::Signer signer(asConsole ? world->console : world->booking);
    const std::string jwt = signer.sign(token, "ES256");
    world->verifier->verify(jwt, &why);
    return 0;
}
