// The route table against web/openapi.json: every registered route is
// documented, with the same Access text, and nothing documented is missing
// from the router (a renamed route cannot leave a stale document behind).
#include "Routes.h"
#include "domain/Accounts.h"
#include "domain/ConsoleEnv.h"
#include "domain/Revocations.h"
#include "domain/Units.h"
#include "core/service/ServiceContext.h"
#include "console/EmbeddedFiles.h"
#include "core/testing/TempDir.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <unistd.h>

using namespace medbox;
using namespace medbox::console;

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Routes every service gets from ServiceApp; documented too, registered by the core.
const std::set<std::string> kCoreRoutes = {"get /healthz", "get /readyz", "get /metrics", "get /openapi.json",
                                           "get /api/v1/system/integrity"};

}  // namespace

TEST(RoutesTest, EveryRouteIsInOpenApiWithItsAccess) {
    testutil::TempDir tmp;
    const std::filesystem::path dir = tmp.path();
    ManualClock clock;
    Settings settings;
    Metrics metrics;
    keys::ensureKeyPair((dir / "console.key.pem").string(), (dir / "console.pub.pem").string());
    TokenIssuer issuer((dir / "console.key.pem").string(), "console", clock);
    TokenVerifier verifier(dir.string(), clock);
    db::Options o;
    o.path = (dir / "console.db").string();
    {
        db::Database db(o, db::migrationsFrom(console::embeddedFiles()));
        AuditLog audit(clock, "");
        RevocationSet revoked;
        ServiceContext ctx{"console",
                           settings,
                           db,
                           clock,
                           audit,
                           metrics,
                           issuer,
                           verifier,
                           revoked,
                           nullptr,
                           Poco::Logger::get("console"),
                           dir.string()};
        ConsoleConfig config;
        config.kdf = password::Params{1 << 10, 8, 1};
        Router router;
        ConsoleEnv env(ctx.db, ctx.clock, ctx.audit, config);
        Revocations revocations(env, revoked);
        Accounts accounts(env, issuer, revocations);
        Units units(env, systemBackend(), ::getpid());
        registerRoutes(router, env, ctx.metrics, accounts, revocations, units);

        const auto* doc = resources::find(console::embeddedFiles(), "web/openapi.json");
        ASSERT_NE(doc, nullptr);
        Poco::JSON::Parser parser;
        auto root = parser.parse(std::string(doc->bytes)).extract<Poco::JSON::Object::Ptr>();
        EXPECT_EQ(root->getValue<std::string>("openapi").substr(0, 2), "3.");
        auto paths = root->getObject("paths");
        ASSERT_TRUE(paths);

        std::set<std::string> registered;
        for (const auto& r : router.routes()) {
            const std::string key = lower(r.method) + " " + r.pattern;
            registered.insert(key);
            auto item = paths->getObject(r.pattern);
            ASSERT_TRUE(item) << r.pattern << " is not in openapi.json";
            auto op = item->getObject(lower(r.method));
            ASSERT_TRUE(op) << key << " is not in openapi.json";
            EXPECT_EQ(op->optValue<std::string>("x-medbox-access", ""), r.access.describe()) << key;
            EXPECT_FALSE(r.summary.empty()) << key;
        }
        for (const auto& [path, item] : *paths) {
            for (const auto& [method, op] : *item.extract<Poco::JSON::Object::Ptr>()) {
                const std::string key = method + " " + path;
                EXPECT_TRUE(registered.count(key) || kCoreRoutes.count(key))
                    << key << " is documented but not registered";
            }
        }
    }
}
