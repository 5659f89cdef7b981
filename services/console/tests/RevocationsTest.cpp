// The console's revocation list on a real database with a manual clock: the
// pages the services poll, expiry and the purge that never hands a seq out
// twice, a list that restarted, logout of a token without jti, the set
// learning an entry only after its commit, and the iat rule for tokens read
// in the second of a cut-off. The account use cases that revoke are in
// AccountsTest.
#include "ConsoleTestEnv.h"
#include "domain/Revocations.h"
#include "core/auth/Tokens.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace medbox;
using namespace medbox::console;

namespace {

constexpr int64_t kMinute = 60'000;
constexpr int64_t kDay = 86'400'000;

class RevocationsTest : public ::testing::Test {
protected:
    void SetUp() override { revocations_ = std::make_unique<Revocations>(*t_.env, set_); }
    void TearDown() override { revocations_.reset(); }

    // A verified staff token of `user`, issued now, living ttlMs.
    Principal token(const std::string& user, const std::string& jti, int64_t ttlMs = 15 * kMinute) {
        Principal p{Principal::Kind::Staff, user, {"nurse"}};
        p.tokenId = jti;
        p.issuedAtMs = clock_.nowMs() / 1000 * 1000;
        p.expiresMs = p.issuedAtMs + ttlMs;
        return p;
    }

    int64_t rows() {
        return db_->read([](db::Connection& c) {
            auto st = c.prepare("SELECT COUNT(*) FROM token_revocations");
            st.step();
            return st.i64(0);
        });
    }

    int64_t revokeUser(const std::string& user) {
        int64_t cutoff = 0;
        db_->write([&](db::Tx& tx) { cutoff = revocations_->revokeUser(tx, user, "staff:admin", "disabled"); });
        return cutoff;
    }

    RevocationSet set_;
    testenv::ConsoleTestEnv t_;
    ManualClock& clock_ = t_.clock;
    std::unique_ptr<db::Database>& db_ = t_.db;
    std::unique_ptr<Revocations> revocations_;
};

}  // namespace

TEST_F(RevocationsTest, PagesComeInSeqOrderAndSayWhereToGoOn) {
    for (int i = 1; i <= 5; ++i) revocations_->logout(token("nurse.a", "jti-" + std::to_string(i)));
    auto page = revocations_->list(0, 2);
    ASSERT_EQ(page.entries.size(), 2u);
    EXPECT_EQ(page.entries[0].seq, 1);
    EXPECT_EQ(page.entries[0].kind, Revocation::Kind::Token);
    EXPECT_EQ(page.entries[0].value, "jti-1");
    EXPECT_EQ(page.entries[0].expiresMs, token("x", "y").expiresMs + kTokenLeewayMs);
    EXPECT_EQ(page.nextAfter, 2);
    EXPECT_EQ(page.highestSeq, 5);
    page = revocations_->list(page.nextAfter, 2);
    ASSERT_EQ(page.entries.size(), 2u);
    EXPECT_EQ(page.entries[1].value, "jti-4");
    EXPECT_EQ(page.nextAfter, 4);
    page = revocations_->list(page.nextAfter, 2);
    ASSERT_EQ(page.entries.size(), 1u);
    EXPECT_EQ(page.nextAfter, 5);
    page = revocations_->list(5, 2);
    EXPECT_TRUE(page.entries.empty());
    EXPECT_EQ(page.nextAfter, 5);
    EXPECT_EQ(page.highestSeq, 5);
}

TEST_F(RevocationsTest, UserEntriesCarryTheirCutOffAndOutliveTheLongestToken) {
    clock_.advanceMs(123);
    const int64_t cutoff = revokeUser("nurse.b");
    EXPECT_EQ(cutoff, clock_.nowMs());
    const auto page = revocations_->list(0, 10);
    ASSERT_EQ(page.entries.size(), 1u);
    EXPECT_EQ(page.entries[0].kind, Revocation::Kind::Subject);
    EXPECT_EQ(page.entries[0].value, "nurse.b");
    EXPECT_EQ(page.entries[0].cutoffMs, cutoff);
    EXPECT_EQ(page.entries[0].expiresMs, cutoff + kDay + kTokenLeewayMs);
}

TEST_F(RevocationsTest, ExpiredEntriesAreLeftOutAndPurgedButSeqNeverRepeats) {
    revocations_->logout(token("nurse.c", "a", kMinute));
    revocations_->logout(token("nurse.c", "b", kMinute));
    clock_.advanceMs(2 * kMinute);  // both tokens expired, leeway included
    auto page = revocations_->list(0, 10);
    EXPECT_TRUE(page.entries.empty());
    EXPECT_EQ(page.nextAfter, 2);
    // The next write purges what expired, except the newest row.
    revokeUser("nurse.c");
    EXPECT_EQ(rows(), 2);
    page = revocations_->list(0, 10);
    ASSERT_EQ(page.entries.size(), 1u);
    EXPECT_EQ(page.entries[0].seq, 3);
    // Everything expired: the newest row stays, so the next one is 4, not 1,
    // and a service that has seen 3 does not miss it.
    clock_.advanceMs(2 * kDay);
    revocations_->logout(token("nurse.c", "d"));
    EXPECT_EQ(rows(), 2);
    page = revocations_->list(3, 10);
    ASSERT_EQ(page.entries.size(), 1u);
    EXPECT_EQ(page.entries[0].seq, 4);
    EXPECT_EQ(page.entries[0].value, "d");
}

TEST_F(RevocationsTest, AListThatRestartedShowsAHighestSeqBelowTheCallers) {
    revocations_->logout(token("nurse.d", "a"));
    const auto page = revocations_->list(40, 10);
    EXPECT_TRUE(page.entries.empty());
    EXPECT_EQ(page.highestSeq, 1);
    EXPECT_EQ(page.nextAfter, 1);
}

TEST_F(RevocationsTest, LogoutOfATokenWithoutJtiEndsItAndEveryOlderOneOfTheUser) {
    const Principal old = token("nurse.e", "");
    clock_.advanceMs(2000);
    const Principal noJti = token("nurse.e", "");
    clock_.advanceMs(2000);
    const Principal newer = token("nurse.e", "");
    revocations_->logout(noJti);
    EXPECT_TRUE(set_.revoked(noJti));
    EXPECT_TRUE(set_.revoked(old));
    EXPECT_FALSE(set_.revoked(newer));
    const auto page = revocations_->list(0, 10);
    ASSERT_EQ(page.entries.size(), 1u);
    EXPECT_EQ(page.entries[0].kind, Revocation::Kind::Subject);
    EXPECT_EQ(page.entries[0].cutoffMs, noJti.issuedAtMs);
}

TEST_F(RevocationsTest, TheSetLearnsAnEntryOnlyOnceItIsCommitted) {
    EXPECT_THROW(db_->write([&](db::Tx& tx) {
        revocations_->revokeUser(tx, "nurse.f", "staff:admin", "disabled");
        throw std::runtime_error("the change failed");
    }),
                 std::runtime_error);
    EXPECT_EQ(set_.size(), 0u);
    EXPECT_EQ(rows(), 0);
    revokeUser("nurse.f");
    EXPECT_EQ(set_.size(), 1u);
}

TEST_F(RevocationsTest, IssuedAtMovesPastACutOffOnlyForRolesReadAfterItInTheSameSecond) {
    const int64_t second = clock_.nowMs();  // a whole second
    const auto issuedAt = [&](int64_t readAtMs) {
        return db_->read([&](db::Connection& c) { return revocations_->issuedAt(c, "nurse.g", readAtMs); });
    };
    EXPECT_EQ(issuedAt(second + 400), second / 1000);  // no cut-off at all
    clock_.advanceMs(300);
    const int64_t cutoff = revokeUser("nurse.g");
    EXPECT_EQ(issuedAt(second + 200), second / 1000);       // read before: revoked with the rest
    EXPECT_EQ(issuedAt(cutoff), second / 1000);             // the same millisecond: revoked too
    EXPECT_EQ(issuedAt(cutoff + 1), second / 1000 + 1);     // after, same second: the next second
    EXPECT_EQ(issuedAt(second + 1500), second / 1000 + 1);  // a later second needs nothing
    // The rule in the set agrees: iat at or before the cut-off is revoked.
    Principal p = token("nurse.g", "x");
    p.issuedAtMs = (second / 1000) * 1000;
    EXPECT_TRUE(set_.revoked(p));
    p.issuedAtMs = (second / 1000 + 1) * 1000;
    EXPECT_FALSE(set_.revoked(p));
}
