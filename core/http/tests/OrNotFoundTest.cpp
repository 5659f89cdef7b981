// orNotFound: a found value is handed through; a missing one is a 404 that
// names what was looked for.
#include "core/error/OrNotFound.h"

#include <gtest/gtest.h>

#include <memory>

using namespace medbox;

TEST(OrNotFoundTest, HandsTheFoundValueThrough) {
    EXPECT_EQ(orNotFound(std::optional<std::string>("x"), "user", 1), "x");
    // Move-only values work too (records are moved out, not copied).
    auto p = orNotFound(std::optional<std::unique_ptr<int>>(std::make_unique<int>(7)), "thing", 2);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, 7);
}

TEST(OrNotFoundTest, MissingIsNotFoundNamingWhatAndId) {
    try {
        orNotFound(std::optional<int>(), "appointment", 42);
        FAIL() << "no exception";
    } catch (const AppError& e) {
        EXPECT_EQ(e.err(), Err::NotFound);
        EXPECT_STREQ(e.what(), "appointment 42 does not exist");
        EXPECT_EQ(e.field(), "");
    }
}
