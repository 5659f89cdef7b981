// The route table against web/openapi.json: every registered route is
// documented, with the same Access text, and nothing documented is missing
// from the router (a renamed route cannot leave a stale document behind).
#include "Routes.h"
#include "domain/Accounts.h"
#include "domain/ConsoleEnv.h"
#include "domain/Revocations.h"
#include "domain/PeerStatus.h"
#include "domain/ResourceSamples.h"
#include "domain/Units.h"
#include "domain/VendorAccess.h"
#include "core/service/ServiceContext.h"
#include "console/EmbeddedFiles.h"
#include "core/testing/OpenApiCheck.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

using namespace medbox;
using namespace medbox::console;

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
        ResourceSamples samples(env, HostProbe("/proc", {}), {});
        PeerStatus peers(env, issuer, dir.string(), "console");
        // Never called here: the routes are only listed.
        VendorAccess vendor(env, revocations, socketHelper((dir / "no-helper.sock").string()));
        registerRoutes(router, env, ctx.metrics, accounts, revocations, units, samples, peers, vendor);

        testutil::expectRoutesMatchOpenApi(router, console::embeddedFiles());
    }
}
