#include "domain/LoginPolicy.h"

#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::console;

TEST(LoginPolicyTest, LocksAtTheThresholdForThePeriod) {
    ManualClock clock;
    LoginPolicy policy(clock, 5, 15);
    AttemptState s;
    for (int i = 1; i <= 4; ++i) {
        s = policy.afterFailure(s);
        EXPECT_EQ(s.failures, i);
        EXPECT_FALSE(policy.lockedUntil(s).has_value()) << "after " << i << " failures";
        clock.advanceMs(1000);
    }
    s = policy.afterFailure(s);
    ASSERT_TRUE(policy.lockedUntil(s).has_value());
    EXPECT_EQ(*policy.lockedUntil(s), clock.nowMs() + 15 * 60'000);

    clock.advanceMs(15 * 60'000 - 1);
    EXPECT_TRUE(policy.lockedUntil(s).has_value()) << "still locked a millisecond before the end";
    clock.advanceMs(1);
    EXPECT_FALSE(policy.lockedUntil(s).has_value()) << "unlocked at the end of the period";

    // After the lock the count starts afresh: one failure does not re-lock.
    s = policy.afterFailure(s);
    EXPECT_EQ(s.failures, 1);
    EXPECT_FALSE(policy.lockedUntil(s).has_value());
}

TEST(LoginPolicyTest, FailuresSpreadWiderThanThePeriodDoNotAddUp) {
    ManualClock clock;
    LoginPolicy policy(clock, 3, 10);
    AttemptState s = policy.afterFailure({});
    s = policy.afterFailure(s);
    clock.advanceMs(10 * 60'000 + 1);
    EXPECT_TRUE(policy.isStale(s));
    s = policy.afterFailure(s);
    EXPECT_EQ(s.failures, 1);
    EXPECT_FALSE(policy.lockedUntil(s).has_value());
}

TEST(LoginPolicyTest, ThresholdOfOneLocksOnTheFirstFailure) {
    ManualClock clock;
    LoginPolicy policy(clock, 1, 1);
    const auto s = policy.afterFailure({});
    EXPECT_TRUE(policy.lockedUntil(s).has_value());
    EXPECT_FALSE(policy.isStale(s));
}
