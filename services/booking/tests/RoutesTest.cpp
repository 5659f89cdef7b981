// The route table against web/openapi.json: every registered route is
// documented with the same Access text, and nothing documented is missing
// from the router.
#include "Routes.h"
#include "TestEnv.h"
#include "core/testing/OpenApiCheck.h"

using namespace medbox;
using namespace medbox::booking;
using booking::testing::BookingTest;

TEST_F(BookingTest, EveryRouteIsInOpenApiWithItsAccess) {
    Router router;
    registerRoutes(router, *env);
    testutil::expectRoutesMatchOpenApi(router, embeddedFiles());
}
