#include "core/auth/RevocationSet.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using namespace medbox;

namespace {

constexpr int64_t kNow = 1'767'225'600'000;  // 2026-01-01T00:00Z

Principal staff(const std::string& user, const std::string& jti, int64_t issuedAtMs) {
    Principal p{Principal::Kind::Staff, user, {"nurse"}};
    p.tokenId = jti;
    p.issuedAtMs = issuedAtMs;
    p.expiresMs = issuedAtMs + 900'000;
    return p;
}

Revocation token(int64_t seq, const std::string& jti, int64_t expiresMs = kNow + 900'000) {
    return Revocation{seq, Revocation::Kind::Token, jti, kNow, expiresMs};
}

Revocation user(int64_t seq, const std::string& name, int64_t cutoffMs, int64_t expiresMs = kNow + 86'400'000) {
    return Revocation{seq, Revocation::Kind::Subject, name, cutoffMs, expiresMs};
}

}  // namespace

TEST(RevocationSetTest, EmptyRevokesNothing) {
    RevocationSet set;
    EXPECT_EQ(set.size(), 0u);
    EXPECT_FALSE(set.revoked(staff("nurse.a", "j1", kNow)));
}

TEST(RevocationSetTest, ATokenIsRevokedByItsJtiAlone) {
    RevocationSet set;
    set.add({token(1, "j1")}, kNow);
    EXPECT_TRUE(set.revoked(staff("nurse.a", "j1", kNow)));
    EXPECT_FALSE(set.revoked(staff("nurse.a", "j2", kNow)));  // the same user's other token
    EXPECT_FALSE(set.revoked(staff("nurse.a", "", kNow)));
    EXPECT_EQ(set.size(), 1u);
}

TEST(RevocationSetTest, AUserCutOffRevokesTokensIssuedAtOrBeforeIt) {
    RevocationSet set;
    set.add({user(1, "nurse.a", kNow + 500)}, kNow);
    EXPECT_TRUE(set.revoked(staff("nurse.a", "j1", kNow - 60'000)));
    EXPECT_TRUE(set.revoked(staff("nurse.a", "j2", kNow)));  // the same second (iat has whole seconds)
    EXPECT_TRUE(set.revoked(staff("nurse.a", "j3", kNow + 500)));
    EXPECT_FALSE(set.revoked(staff("nurse.a", "j4", kNow + 1000)));  // issued after: a new session
    EXPECT_FALSE(set.revoked(staff("nurse.b", "j5", kNow)));         // someone else
    // No iat: nothing shows the token is newer than the cut-off.
    EXPECT_TRUE(set.revoked(staff("nurse.a", "j6", 0)));
}

TEST(RevocationSetTest, ServiceTokensAreNeverRevoked) {
    RevocationSet set;
    set.add({user(1, "portal", kNow + 1000), token(2, "j1")}, kNow);
    Principal p{Principal::Kind::Service, "portal", {"service"}};
    p.tokenId = "j1";
    p.issuedAtMs = kNow;
    EXPECT_FALSE(set.revoked(p));
}

TEST(RevocationSetTest, TheLatestCutOffOfAUserWins) {
    RevocationSet set;
    set.add({user(2, "nurse.a", kNow + 5000)}, kNow);
    set.add({user(1, "nurse.a", kNow + 1000)}, kNow);  // an older entry arriving later changes nothing
    EXPECT_TRUE(set.revoked(staff("nurse.a", "j", kNow + 4000)));
    EXPECT_FALSE(set.revoked(staff("nurse.a", "j", kNow + 6000)));
    EXPECT_EQ(set.size(), 1u);
}

TEST(RevocationSetTest, EntriesGoOnceEveryTokenTheyMatchHasExpired) {
    RevocationSet set;
    set.add({token(1, "short", kNow + 1000), token(2, "long", kNow + 60'000), user(3, "nurse.a", kNow, kNow + 1000)},
            kNow);
    EXPECT_EQ(set.size(), 3u);
    set.purge(kNow + 1000);
    EXPECT_EQ(set.size(), 1u);
    EXPECT_FALSE(set.revoked(staff("nurse.a", "short", kNow)));
    EXPECT_TRUE(set.revoked(staff("nurse.b", "long", kNow)));
    // Already expired when added: not kept at all.
    set.add({token(4, "old", kNow - 1)}, kNow);
    EXPECT_EQ(set.size(), 1u);
}

TEST(RevocationSetTest, ReplaceForgetsWhatTheNewListDoesNotHold) {
    RevocationSet set;
    set.add({token(1, "j1"), user(2, "nurse.a", kNow)}, kNow);
    set.replace({token(1, "j9")}, kNow);
    EXPECT_FALSE(set.revoked(staff("nurse.x", "j1", kNow)));
    EXPECT_FALSE(set.revoked(staff("nurse.a", "j2", kNow)));
    EXPECT_TRUE(set.revoked(staff("nurse.x", "j9", kNow)));
    EXPECT_EQ(set.size(), 1u);
}

// Requests read the set while the poller writes it.
TEST(RevocationSetTest, ReadersAndAWriterAtOnce) {
    RevocationSet set;
    std::atomic<bool> stop{false};
    std::atomic<int64_t> seen{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&] {
            const Principal p = staff("nurse.a", "j0", kNow);
            while (!stop) seen += set.revoked(p) ? 1 : 0;
        });
    }
    for (int i = 0; i < 2000; ++i) set.add({token(i + 1, "j" + std::to_string(i))}, kNow);
    stop = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(set.size(), 2000u);
    EXPECT_TRUE(set.revoked(staff("nurse.a", "j0", kNow)));
}
