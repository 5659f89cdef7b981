#include "domain/AccountRules.h"
#include "domain/RoleCatalog.h"

#include <gtest/gtest.h>

using namespace medbox::console;

TEST(AccountRulesTest, UserNames) {
    for (const char* ok : {"abc", "zhang.san", "li_si-2", "a23", "abcdefghijklmnopqrstuvwxyz012345"}) {
        EXPECT_TRUE(rules::isValidUsername(ok)) << ok;
    }
    for (const char* bad : {"", "ab", "1abc", "_abc", "Abc", "ab c", "abc/", "张三",
                            "abcdefghijklmnopqrstuvwxyz0123456", "abc\n", "abc@x"}) {
        EXPECT_FALSE(rules::isValidUsername(bad)) << bad;
    }
    EXPECT_EQ(rules::asciiLower("Zhang.San"), "zhang.san");
}

TEST(AccountRulesTest, DisplayNames) {
    EXPECT_EQ(rules::checkDisplayName("张三丰"), "");
    EXPECT_EQ(rules::checkDisplayName("Dr. Li (ICU)"), "");
    EXPECT_EQ(rules::checkDisplayName(std::string(64, 'a')), "");
    EXPECT_NE(rules::checkDisplayName(""), "");
    EXPECT_NE(rules::checkDisplayName(std::string(65, 'a')), "");
    EXPECT_NE(rules::checkDisplayName("a\tb"), "");
    EXPECT_NE(rules::checkDisplayName("\xc0\xaf"), "");  // overlong '/'
    EXPECT_NE(rules::checkDisplayName("\xe4\xb8"), "");  // truncated
}

TEST(AccountRulesTest, RolesMustComeFromTheCatalogue) {
    EXPECT_EQ(rules::checkRoles({"admin", "auditor"}), "");
    EXPECT_NE(rules::checkRoles({}), "");
    EXPECT_NE(rules::checkRoles({"root"}), "");
    EXPECT_NE(rules::checkRoles({std::string(kMustChangePasswordRole)}), "") << "the marker is not assignable";
}

TEST(AccountRulesTest, PasswordsMustNotContainTheUserName) {
    EXPECT_EQ(rules::checkNewPassword("Correct-Horse-9", "alice"), "");
    EXPECT_NE(rules::checkNewPassword("Alice-Horse-99", "alice"), "");
    EXPECT_NE(rules::checkNewPassword("short1A", "alice"), "") << "core policy applies";
}

TEST(RoleCatalogTest, LeastPrivilegeCatalogue) {
    const auto names = RoleCatalog::names();
    const std::vector<std::string> expected = {"admin",       "scheduler",       "registrar", "nurse",
                                               "doctor",      "quality",         "auditor",   "it_agent",
                                               "it_engineer", "backup_operator", "vendor"};
    EXPECT_EQ(names, expected);
    for (const auto& r : RoleCatalog::all()) {
        EXPECT_FALSE(r.description.empty()) << r.name;
        EXPECT_FALSE(r.services.empty()) << r.name;
    }
    const auto any = RoleCatalog::anyStaff();
    EXPECT_EQ(any.back(), kMustChangePasswordRole);
}
