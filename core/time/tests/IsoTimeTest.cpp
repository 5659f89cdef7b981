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
