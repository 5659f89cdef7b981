// AvailabilityCache: a read that started before a commit never lands after
// that commit's invalidation; entries expire at their validity end.
#include "domain/AvailabilityCache.h"
#include <gtest/gtest.h>

using medbox::booking::AvailabilityCache;

TEST(AvailabilityCacheTest, DropsResultsReadBeforeAnInvalidation) {
    AvailabilityCache cache;
    const uint64_t before = cache.generation();
    cache.invalidate();  // a commit lands while the reader renders
    cache.put("s:1", "{\"old\":true}", 1000, before);
    EXPECT_FALSE(cache.get("s:1", 0));
    cache.put("s:1", "{\"new\":true}", 1000, cache.generation());
    EXPECT_EQ(*cache.get("s:1", 0), "{\"new\":true}");
}

TEST(AvailabilityCacheTest, EntriesExpireAtTheirValidityEnd) {
    AvailabilityCache cache;
    cache.put("k", "x", 1000, cache.generation());
    EXPECT_TRUE(cache.get("k", 999));
    EXPECT_FALSE(cache.get("k", 1000));
}

TEST(AvailabilityCacheTest, IsBounded) {
    AvailabilityCache cache(2);
    cache.put("a", "1", 10, 0);
    cache.put("b", "2", 10, 0);
    cache.put("c", "3", 10, 0);
    EXPECT_LE(cache.size(), 2u);
    EXPECT_TRUE(cache.get("c", 0));
}
