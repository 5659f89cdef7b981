// The watchdog's rule: pet only while every loop turned within the interval.
#include "core/service/Watchdog.h"

#include <gtest/gtest.h>

using namespace medbox;

TEST(WatchdogTest, PetsOnlyWhileEveryLoopTurnedWithinTheInterval) {
    EXPECT_TRUE(everyLoopTurned(10'000, 3'000, {9'500}));
    EXPECT_TRUE(everyLoopTurned(10'000, 3'000, {9'500, 8'000, 7'001}));
    // The HTTP loop turns, one listener is wedged: no pet, systemd restarts the service.
    EXPECT_FALSE(everyLoopTurned(10'000, 3'000, {9'900, 7'000}));
    EXPECT_FALSE(everyLoopTurned(10'000, 3'000, {6'000, 9'900}));
}
