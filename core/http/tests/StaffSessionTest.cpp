#include "core/http/Access.h"
#include "core/http/StaffSession.h"

#include <gtest/gtest.h>

using namespace medbox;
namespace ss = medbox::staff_session;

namespace {
Principal staffWith(std::string jti) {
    Principal p;
    p.subject = "alice";
    p.roles = {"nurse"};
    p.tokenId = std::move(jti);
    return p;
}
}  // namespace

TEST(StaffSessionTest, CsrfValueIsFixedPerTokenAndDiffersBetweenTokens) {
    const auto a = staffWith("0123456789abcdef0123456789abcdef");
    const auto b = staffWith("fedcba9876543210fedcba9876543210");
    EXPECT_EQ(ss::csrfToken(a), ss::csrfToken(a));
    EXPECT_NE(ss::csrfToken(a), ss::csrfToken(b));
    EXPECT_EQ(ss::csrfToken(a).size(), 43u);  // 256 bits, base64url without padding
    EXPECT_EQ(ss::csrfToken(a).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_TRUE(ss::csrfMatches(a, ss::csrfToken(a)));
    EXPECT_FALSE(ss::csrfMatches(a, ss::csrfToken(b)));
    EXPECT_FALSE(ss::csrfMatches(a, ""));
    EXPECT_FALSE(ss::csrfMatches(a, a.tokenId));
    EXPECT_FALSE(ss::csrfMatches(staffWith(""), ss::csrfToken(staffWith(""))));  // no jti, no session
}

TEST(StaffSessionTest, FindsTheCookieAmongOthers) {
    EXPECT_EQ(ss::cookieIn("__Host-medbox-staff=abc.def.ghi"), "abc.def.ghi");
    EXPECT_EQ(ss::cookieIn("a=1; __Host-medbox-staff=tok; b=2"), "tok");
    EXPECT_EQ(ss::cookieIn("a=1;__Host-medbox-staff=\"tok\""), "tok");
    EXPECT_FALSE(ss::cookieIn("medbox-staff=tok").has_value());
    EXPECT_FALSE(ss::cookieIn("x__Host-medbox-staff=tok").has_value());
    EXPECT_FALSE(ss::cookieIn("").has_value());
}

TEST(StaffSessionTest, CookieAttributes) {
    const auto set = ss::setCookie("T");
    EXPECT_EQ(set, "__Host-medbox-staff=T; Path=/; Secure; HttpOnly; SameSite=Strict");
    EXPECT_NE(ss::clearCookie().find("Max-Age=0"), std::string::npos);
    EXPECT_TRUE(ss::changesState("POST"));
    EXPECT_TRUE(ss::changesState("DELETE"));
    EXPECT_TRUE(ss::changesState("PATCH"));
    EXPECT_FALSE(ss::changesState("GET"));
    EXPECT_FALSE(ss::changesState("HEAD"));
}

TEST(StaffSessionTest, AnyStaffAdmitsEveryStaffMemberButNoService) {
    const auto any = Access::anyStaff();
    auto p = staffWith("x");
    EXPECT_TRUE(any.admits(p));
    p.roles = {std::string(kMustChangePasswordRole)};
    EXPECT_TRUE(any.admits(p));
    Principal svc;
    svc.kind = Principal::Kind::Service;
    svc.subject = "portal";
    EXPECT_FALSE(any.admits(svc));
    EXPECT_FALSE(any.isPublic());
}
