// The route table against web/openapi.json: every registered route is
// documented with the same Access text, and nothing documented is missing
// from the router.
#include "@name@/EmbeddedFiles.h"
#include "Routes.h"
#include "domain/@Name@Env.h"
#include "core/testing/TempDir.h"
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <cctype>
#include <set>

using namespace medbox;
using namespace medbox::@name@;

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Routes every service gets from ServiceApp; documented too, registered by the core.
const std::set<std::string> kCoreRoutes = {"get /healthz", "get /readyz", "get /metrics", "get /openapi.json",
                                           "get /api/v1/system/integrity"};

}  // namespace

TEST(@Name@RoutesTest, EveryRouteIsInOpenApiWithItsAccess) {
    testutil::TempDir dir;
    ManualClock clock;
    db::Options o;
    o.path = dir.file("@name@.db");
    db::Database db(o, db::migrationsFrom(embeddedFiles()));
    AuditLog audit(clock, "");
    @Name@Env env(db, clock, audit, {});
    Router router;
    registerRoutes(router, env);

    const auto* doc = resources::find(embeddedFiles(), "web/openapi.json");
    ASSERT_NE(doc, nullptr);
    Poco::JSON::Parser parser;
    auto root = parser.parse(std::string(doc->bytes)).extract<Poco::JSON::Object::Ptr>();
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
    EXPECT_FALSE(registered.empty());
    for (const auto& [path, item] : *paths)
        for (const auto& [method, op] : *item.extract<Poco::JSON::Object::Ptr>()) {
            const std::string key = method + " " + path;
            EXPECT_TRUE(registered.count(key) || kCoreRoutes.count(key)) << key << " is documented but not registered";
        }
}
