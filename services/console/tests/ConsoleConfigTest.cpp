// readConsoleConfig: every console.* key with its default, its range, and the
// key named in the error for a bad value.
#include "core/config/Settings.h"
#include "domain/ConsoleConfig.h"

#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::console;

namespace {
std::string errorOf(const Settings& s) {
    try {
        readConsoleConfig(s);
    } catch (const ConfigError& e) {
        return e.message();
    }
    return "";
}
}  // namespace

TEST(ConsoleConfigTest, DefaultsWhenNothingIsSet) {
    const auto c = readConsoleConfig(Settings{});
    EXPECT_EQ(c.lockoutThreshold, 5);
    EXPECT_EQ(c.lockoutMinutes, 15);
    EXPECT_EQ(c.tokenTtlSeconds, 900);
    EXPECT_EQ(c.bootstrapAdminPassword, "");
    EXPECT_EQ(c.totpIssuer, "medbox");
}

TEST(ConsoleConfigTest, ReadsEveryKey) {
    Settings s;
    s.set("console.lockout_threshold", "7");
    s.set("console.lockout_minutes", "30");
    s.set("console.token_ttl_seconds", "3600");
    s.set("console.bootstrap_admin_password", "Admin-Pass-2026");
    s.set("console.totp_issuer", "Hospital");
    const auto c = readConsoleConfig(s);
    EXPECT_EQ(c.lockoutThreshold, 7);
    EXPECT_EQ(c.lockoutMinutes, 30);
    EXPECT_EQ(c.tokenTtlSeconds, 3600);
    EXPECT_EQ(c.bootstrapAdminPassword, "Admin-Pass-2026");
    EXPECT_EQ(c.totpIssuer, "Hospital");
}

TEST(ConsoleConfigTest, BadValuesNameTheKey) {
    Settings ttl;
    ttl.set("console.token_ttl_seconds", "86401");
    EXPECT_NE(errorOf(ttl).find("console.token_ttl_seconds"), std::string::npos) << errorOf(ttl);
    Settings issuer;
    issuer.set("console.totp_issuer", "a:b");
    EXPECT_NE(errorOf(issuer).find("console.totp_issuer"), std::string::npos);
    Settings weak;
    weak.set("console.bootstrap_admin_password", "qqq");
    const auto why = errorOf(weak);
    EXPECT_NE(why.find("console.bootstrap_admin_password"), std::string::npos);
    EXPECT_EQ(why.find("qqq"), std::string::npos) << "the value is not echoed: " << why;
}
