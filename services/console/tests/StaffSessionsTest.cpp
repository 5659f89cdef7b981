// Staff sessions: a sign-in starts one, refreshes carry it on, the list
// shows who, since when, from where; ending one revokes every token it was
// given (the verifier refuses them), is audited, and only an admin may end
// another user's; logout and user-wide revocations take a session off the list.
#include "AccountsFixture.h"
#include "domain/StaffSessions.h"

#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::console;
using medbox::console::testenv::AccountsTest;
using medbox::console::testenv::kAdminPw;

namespace {

const ClientInfo kChrome{"192.0.2.7",
                         "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                         "Chrome/120.0.6099.224 Safari/537.36"};

class StaffSessionsTest : public AccountsTest {
protected:
    void SetUp() override {
        AccountsTest::SetUp();
        sessions_ = std::make_unique<StaffSessions>(*env_, *revocations_);
    }
    void TearDown() override {
        sessions_.reset();
        AccountsTest::TearDown();
    }
    Session signIn(const std::string& name, const std::string& pw, const ClientInfo& client = kChrome) {
        auto s = accounts_->login(name, pw, std::nullopt);
        sessions_->started(name, s, client);
        return s;
    }
    std::unique_ptr<StaffSessions> sessions_;
};

}  // namespace

TEST(ShortUserAgent, BrowserAndSystemOnly) {
    EXPECT_EQ(shortUserAgent(kChrome.userAgent), "Chrome 120 · Linux");
    EXPECT_EQ(shortUserAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"),
              "Firefox 121 · Windows");
    EXPECT_EQ(shortUserAgent("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0"),
              "Edge 120 · Windows");
    EXPECT_EQ(shortUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                             "Version/17.1 Mobile/15E148 Safari/604.1"),
              "Safari 17 · iOS");
    EXPECT_EQ(shortUserAgent("curl/7.88.1"), "API client");
    EXPECT_EQ(shortUserAgent(""), "");
    EXPECT_EQ(shortUserAgent(std::string(5000, 'x')), "");
}

TEST_F(StaffSessionsTest, SignInListedRefreshCarriesOnEndRevokesEveryToken) {
    createUser("nurse.s", {"nurse"});
    clock_.advanceMs(5'000);
    const auto first = signIn("nurse.s", "Good-Pass-123");
    clock_.advanceMs(60'000);
    const auto second = accounts_->refresh("nurse.s", clock_.nowMs() - 60'000);
    sessions_->continued("nurse.s", first.tokenId, second, kChrome);

    auto list = sessions_->active(std::nullopt, second.tokenId);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].row.username, "nurse.s");
    EXPECT_EQ(list[0].row.address, "192.0.2.7");
    EXPECT_EQ(list[0].row.userAgent, "Chrome 120 · Linux");
    EXPECT_TRUE(list[0].current);
    EXPECT_EQ(list[0].row.lastUsedAtMs, clock_.nowMs());
    EXPECT_LT(list[0].row.startedAtMs, list[0].row.lastUsedAtMs);

    EXPECT_EQ(refusal(first.token), "");
    EXPECT_EQ(refusal(second.token), "");
    sessions_->end("staff:admin", list[0].row.id, std::nullopt);
    // Both tokens the session was given are refused now (the one refreshed away too).
    EXPECT_NE(refusal(first.token), "");
    EXPECT_NE(refusal(second.token), "");
    EXPECT_TRUE(sessions_->active(std::nullopt, "").empty());
    EXPECT_EQ(auditCount("session.end", "ok"), 1);
    // Once ended it is gone.
    EXPECT_EQ(expectError(Err::NotFound, [&] { sessions_->end("staff:admin", list[0].row.id, std::nullopt); }), "");
}

TEST_F(StaffSessionsTest, OnlyOwnSessionsWithoutAdmin) {
    createUser("nurse.a", {"nurse"});
    createUser("nurse.b", {"nurse"});
    const auto a = signIn("nurse.a", "Good-Pass-123");
    const auto b = signIn("nurse.b", "Good-Pass-123");
    const auto mine = sessions_->active(std::string("nurse.a"), a.tokenId);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].row.username, "nurse.a");
    EXPECT_EQ(sessions_->active(std::nullopt, "").size(), 2u);

    const auto theirs = sessions_->active(std::string("nurse.b"), "")[0].row.id;
    expectError(Err::Forbidden, [&] { sessions_->end("staff:nurse.a", theirs, std::string("nurse.a")); });
    EXPECT_EQ(refusal(b.token), "");
    EXPECT_EQ(auditCount("session.end", "denied"), 1);
    // One's own: fine, and told apart from an admin's in the audit detail.
    sessions_->end("staff:nurse.a", mine[0].row.id, std::string("nurse.a"));
    EXPECT_NE(refusal(a.token), "");
}

TEST_F(StaffSessionsTest, LogoutAndUserWideRevocationsLeaveTheList) {
    const auto id = createUser("doc.x", {"doctor"});
    const auto s1 = signIn("doc.x", "Good-Pass-123");
    signIn("admin", kAdminPw);
    EXPECT_EQ(sessions_->active(std::nullopt, "").size(), 2u);
    revocations_->logout(verify(s1.token));
    sessions_->loggedOut(s1.tokenId);
    EXPECT_EQ(sessions_->active(std::string("doc.x"), "").size(), 0u);

    signIn("doc.x", "Good-Pass-123");
    EXPECT_EQ(sessions_->active(std::string("doc.x"), "").size(), 1u);
    clock_.advanceMs(2'000);
    accounts_->resetPassword("staff:admin", id, "Reset-Pass-456");
    EXPECT_EQ(sessions_->active(std::string("doc.x"), "").size(), 0u);

    // Expired tokens: the session is no longer listed.
    clock_.advanceMs(int64_t{config_.tokenTtlSeconds} * 1000 + 1);
    EXPECT_TRUE(sessions_->active(std::nullopt, "").empty());
}
