// PeriodicJob with a ManualClock: runs when due and a period after the last
// run, survives a failing run, and its thread follows the clock (poke) and
// stops at once however long the period — without sleeping for a period.
#include "core/service/PeriodicJob.h"

#include <Poco/Logger.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

using namespace medbox;

namespace {

constexpr int64_t kHour = 3'600'000;

Poco::Logger& testLogger() { return Poco::Logger::get("test.periodic"); }

// Waits (briefly, in real time) until the job's thread has finished `count`
// runs, next due time included.
bool waitForRuns(const PeriodicJob& job, uint64_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (job.runs() < count) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

}  // namespace

TEST(PeriodicJobTest, RunsWhenDueThenAPeriodAfterTheLastRun) {
    ManualClock clock;
    int runs = 0;
    PeriodicJob job(
        "test job", clock, 60'000, [&] { ++runs; }, testLogger());
    EXPECT_TRUE(job.runDue()) << "the first run is due at once";
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(job.nextDueMs(), clock.nowMs() + 60'000);
    clock.advanceMs(59'999);
    EXPECT_FALSE(job.runDue());
    EXPECT_EQ(runs, 1);
    clock.advanceMs(1);
    EXPECT_TRUE(job.runDue());
    EXPECT_EQ(runs, 2);
    EXPECT_EQ(job.runs(), 2u);
}

TEST(PeriodicJobTest, TheNextPeriodCountsFromTheEndOfALongRun) {
    ManualClock clock;
    PeriodicJob job(
        "slow job", clock, 60'000, [&] { clock.advanceMs(10'000); }, testLogger());
    const int64_t started = clock.nowMs();
    ASSERT_TRUE(job.runDue());
    EXPECT_EQ(job.nextDueMs(), started + 10'000 + 60'000);
}

TEST(PeriodicJobTest, AFailingRunIsCountedAndTheJobGoesOn) {
    ManualClock clock;
    int calls = 0;
    PeriodicJob job(
        "failing job", clock, 1000,
        [&] {
            if (++calls == 1) throw std::runtime_error("database is locked");
        },
        testLogger());
    EXPECT_TRUE(job.runDue());
    EXPECT_EQ(job.runs(), 1u);
    EXPECT_FALSE(job.runDue()) << "a failure does not make it retry at once";
    clock.advanceMs(1000);
    EXPECT_TRUE(job.runDue());
    EXPECT_EQ(calls, 2);
}

TEST(PeriodicJobTest, TheThreadRunsAtStartFollowsTheClockAndStopsAtOnce) {
    ManualClock clock;
    std::atomic<int> calls{0};
    PeriodicJob job(
        "threaded job", clock, kHour, [&] { ++calls; }, testLogger());
    job.start();
    job.start();  // a second start does nothing
    ASSERT_TRUE(waitForRuns(job, 1)) << "no run at start";
    EXPECT_EQ(job.nextDueMs(), clock.nowMs() + kHour);

    job.poke();  // not due yet: nothing runs
    clock.advanceMs(kHour - 1);
    job.poke();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(job.runs(), 1u);

    clock.advanceMs(1);
    job.poke();
    ASSERT_TRUE(waitForRuns(job, 2)) << "due by the clock but not run after poke()";

    const auto before = std::chrono::steady_clock::now();
    job.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2)) << "stop() waited for the period";
    EXPECT_EQ(calls.load(), 2);
    EXPECT_EQ(job.runs(), 2u);
}

TEST(PeriodicJobTest, StopWithoutStartAndTheDestructorStopTheThread) {
    ManualClock clock;
    {
        PeriodicJob idle(
            "idle job", clock, kHour, [] {}, testLogger());
        idle.stop();
    }
    std::atomic<int> calls{0};
    {
        PeriodicJob job(
            "destroyed job", clock, kHour, [&] { ++calls; }, testLogger());
        job.start();
        ASSERT_TRUE(waitForRuns(job, 1));
    }  // joins here; a hang fails the test by its timeout
    EXPECT_EQ(calls.load(), 1);
}
