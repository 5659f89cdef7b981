// ISO 8601 UTC text of instants: the three precisions the APIs use.
#include "core/time/IsoTime.h"

#include <gtest/gtest.h>

using namespace medbox;

TEST(IsoTimeTest, WholeSecondsMillisAndMicros) {
    const int64_t ms = 1'767'226'500'250;  // 2026-01-01T00:15:00.250Z
    EXPECT_EQ(isoUtc(ms), "2026-01-01T00:15:00Z");
    EXPECT_EQ(isoUtcMillis(ms), "2026-01-01T00:15:00.250Z");
    EXPECT_EQ(isoUtcMicros(ms * 1000 + 1), "2026-01-01T00:15:00.250001Z");
    EXPECT_EQ(isoUtc(0), "1970-01-01T00:00:00Z");
}

TEST(IsoTimeTest, ParsesWhatTheApisWriteAndOffsets) {
    const int64_t us = 1'767'226'500'250'001;  // 2026-01-01T00:15:00.250001Z
    EXPECT_EQ(parseIsoMicros(isoUtcMicros(us)), us);
    EXPECT_EQ(parseIsoMicros(isoUtc(us / 1000)), us / 1'000'000 * 1'000'000);
    EXPECT_EQ(parseIsoMicros(isoUtcMillis(us / 1000)), us / 1000 * 1000);
    // The hospital's local time with its offset is the same instant.
    EXPECT_EQ(parseIsoMicros("2026-01-01T08:15:00+08:00"), parseIsoMicros("2026-01-01T00:15:00Z"));
    EXPECT_EQ(parseIsoMicros("2025-12-31T23:15:00-01:00"), parseIsoMicros("2026-01-01T00:15:00Z"));
    EXPECT_EQ(parseIsoMicros("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parseIsoMicros("2024-02-29T12:00:00.123456789Z"), parseIsoMicros("2024-02-29T12:00:00.123456Z"));
}

TEST(IsoTimeTest, RefusesAnythingElse) {
    for (const char* bad : {"",
                            "2026-01-01",
                            "2026-01-01T00:15:00",
                            "2026-01-01 00:15:00Z",
                            "2026-01-01T00:15Z",
                            "2026-13-01T00:00:00Z",
                            "2026-02-29T00:00:00Z",
                            "2026-04-31T00:00:00Z",
                            "2026-01-01T24:00:00Z",
                            "2026-01-01T00:60:00Z",
                            "2026-01-01T00:00:60Z",
                            "1969-12-31T23:59:59Z",
                            "2026-01-01T00:00:00.Z",
                            "2026-01-01T00:00:00.1234567890Z",
                            "2026-01-01T00:00:00+0800",
                            "2026-01-01T00:00:00+08",
                            "2026-01-01T00:00:00+24:00",
                            "2026-01-01T00:00:00Zjunk",
                            "+026-01-01T00:00:00Z",
                            "2026-01-01T00:00:00z",
                            "1970-01-01T00:00:00+00:01"}) {
        EXPECT_EQ(parseIsoMicros(bad), std::nullopt) << bad;
    }
}
