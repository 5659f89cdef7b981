#pragma once
// The check every service's RoutesTest makes: each route in the router is in
// the service's web/openapi.json with the same Access text
// (x-medbox-access) and a summary, and nothing documented is missing from
// the router (but the routes ServiceApp registers for every service). For
// gtest tests only: it reports through EXPECT/ADD_FAILURE.
#include "core/http/Router.h"
#include "core/util/Resources.h"
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace medbox::testutil {

inline void expectRoutesMatchOpenApi(const Router& router, const std::vector<resources::Resource>& embedded) {
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    // Registered by ServiceApp for every service; documented by each.
    const std::set<std::string> core = {"get /healthz",
                                        "get /readyz",
                                        "get /metrics",
                                        "get /openapi.json",
                                        "get /api/v1/session",
                                        "get /api/v1/web/settings",
                                        "post /api/v1/session/refresh",
                                        "get /api/v1/system/integrity",
                                        "get /api/v1/system/audit",
                                        "get /api/v1/system/backlog"};
    const auto* doc = resources::find(embedded, "web/openapi.json");
    ASSERT_NE(doc, nullptr) << "web/openapi.json is not embedded";
    Poco::JSON::Parser parser;
    auto root = parser.parse(std::string(doc->bytes)).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(root->getValue<std::string>("openapi").substr(0, 2), "3.");
    auto paths = root->getObject("paths");
    ASSERT_TRUE(paths) << "openapi.json has no paths";
    std::set<std::string> registered;
    for (const auto& r : router.routes()) {
        const std::string key = lower(r.method) + " " + r.pattern;
        registered.insert(key);
        auto item = paths->getObject(r.pattern);
        if (!item) {
            ADD_FAILURE() << r.pattern << " is not in openapi.json";
            continue;
        }
        auto op = item->getObject(lower(r.method));
        if (!op) {
            ADD_FAILURE() << key << " is not in openapi.json";
            continue;
        }
        EXPECT_EQ(op->optValue<std::string>("x-medbox-access", ""), r.access.describe()) << key;
        EXPECT_FALSE(r.summary.empty()) << key << " has no summary";
    }
    EXPECT_FALSE(registered.empty()) << "no routes registered";
    for (const auto& [path, item] : *paths)
        for (const auto& [method, op] : *item.extract<Poco::JSON::Object::Ptr>()) {
            const std::string key = method + " " + path;
            EXPECT_TRUE(registered.count(key) || core.count(key)) << key << " is documented but not registered";
        }
}

}  // namespace medbox::testutil
