#include "core/http/StaticFiles.h"

#include <gtest/gtest.h>

using namespace medbox;

TEST(StaticFilesTest, KeysOfHonestPaths) {
    EXPECT_EQ(StaticFiles::keyOf("/"), "index.html");
    EXPECT_EQ(StaticFiles::keyOf("/index.html"), "index.html");
    EXPECT_EQ(StaticFiles::keyOf("/shared/ui.css"), "shared/ui.css");
    EXPECT_EQ(StaticFiles::keyOf("/booking/"), "booking/index.html");
    EXPECT_EQ(StaticFiles::keyOf("/i18n/zh-CN.json"), "i18n/zh-CN.json");
}

TEST(StaticFilesTest, HostilePathsNameNoFile) {
    // The server decodes %xx before the lookup: these are decoded forms.
    const std::string nul("/index.html\0.css", 16);
    for (const std::string& p :
         {std::string("/../etc/passwd"), std::string("/shared/../../etc/passwd"), std::string("/./index.html"),
          std::string("/shared/./ui.css"), std::string("//etc/passwd"), std::string("/.git/config"),
          std::string("/shared\\..\\..\\etc\\passwd"), nul, std::string("/a\x01"), std::string("/a\x7f"),
          std::string("/C:/windows"), std::string("relative.html"), std::string(""), "/" + std::string(600, 'a')}) {
        EXPECT_FALSE(StaticFiles::keyOf(p).has_value()) << p;
    }
}

TEST(StaticFilesTest, ServesOnlyWebFilesButNotTheOpenApiDocument) {
    const std::vector<resources::Resource> files = {
        {"web/index.html", "<html>", {}},
        {"web/openapi.json", "{}", {}},
        {"migrations/0001_x.sql", "CREATE TABLE x(a)", {}},
        {"web/shared/ui.css", "body{}", {}},
    };
    StaticFiles pages(files);
    EXPECT_EQ(pages.size(), 2u);
}

TEST(StaticFilesTest, ContentTypes) {
    EXPECT_EQ(StaticFiles::contentType("a.html"), "text/html; charset=utf-8");
    EXPECT_EQ(StaticFiles::contentType("a.js"), "text/javascript; charset=utf-8");
    EXPECT_EQ(StaticFiles::contentType("a.css"), "text/css; charset=utf-8");
    EXPECT_EQ(StaticFiles::contentType("zh-CN.json"), "application/json");
    EXPECT_EQ(StaticFiles::contentType("logo.svg"), "image/svg+xml");
    EXPECT_EQ(StaticFiles::contentType("photo.png"), "image/png");
    EXPECT_EQ(StaticFiles::contentType("LICENSE"), "application/octet-stream");
}

TEST(StaticFilesTest, AcceptEncoding) {
    EXPECT_TRUE(acceptsGzip("gzip"));
    EXPECT_TRUE(acceptsGzip("gzip, deflate, br"));
    EXPECT_TRUE(acceptsGzip("br;q=1.0, GZIP;q=0.5"));
    EXPECT_TRUE(acceptsGzip("*"));
    EXPECT_FALSE(acceptsGzip(""));
    EXPECT_FALSE(acceptsGzip("br"));
    EXPECT_FALSE(acceptsGzip("gzip;q=0"));
    EXPECT_FALSE(acceptsGzip("gzip; q=0.000"));
    EXPECT_FALSE(acceptsGzip("xgzip"));
}

TEST(StaticFilesTest, ThePolicyAllowsNothingInline) {
    const std::string csp(kContentSecurityPolicy);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
}
