// The route table against web/openapi.json: every registered route is
// documented with the same Access text, and nothing documented is missing
// from the router.
#include "hisbridge/EmbeddedFiles.h"
#include "Routes.h"
#include "domain/HisbridgeEnv.h"
#include "domain/Hl7Inbox.h"
#include "core/testing/OpenApiCheck.h"
#include "core/testing/TempDir.h"
#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::hisbridge;

TEST(HisbridgeRoutesTest, EveryRouteIsInOpenApiWithItsAccess) {
    testutil::TempDir dir;
    ManualClock clock;
    db::Options o;
    o.path = dir.file("hisbridge.db");
    db::Database db(o, db::migrationsFrom(embeddedFiles()));
    AuditLog audit(clock, "");
    HisbridgeEnv env(db, clock, audit, {});
    Hl7Inbox inbox(env);
    Router router;
    registerRoutes(router, env, inbox);

    testutil::expectRoutesMatchOpenApi(router, embeddedFiles());
}
