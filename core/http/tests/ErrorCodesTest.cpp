#include "http/ErrorCodes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace medbox;

// Codes are what clients match on: each must be distinct per enum value except
// where two errors deliberately share a name, and statuses must be errors.
TEST(ErrorCodes, EveryCodeHasAnErrorStatusAndAName) {
    std::set<std::string> names;
    for (int i = 0; i <= static_cast<int>(Err::UnitTimeout); ++i) {
        const auto& info = errInfo(static_cast<Err>(i));
        EXPECT_GE(info.status, 400) << info.code;
        EXPECT_LT(info.status, 600) << info.code;
        EXPECT_FALSE(info.code.empty());
        EXPECT_TRUE(names.insert(std::string(info.code)).second) << "duplicate code " << info.code;
    }
}

TEST(ErrorCodes, KnownRows) {
    EXPECT_EQ(errInfo(Err::SlotFull).code, "slot_full");
    EXPECT_EQ(errInfo(Err::SlotFull).status, 409);
    EXPECT_EQ(errInfo(Err::Unauthenticated).status, 401);
    EXPECT_EQ(errInfo(Err::Forbidden).status, 403);
    EXPECT_EQ(errInfo(Err::PayloadTooLarge).status, 413);
    EXPECT_EQ(errInfo(Err::UnitFailed).code, "unit_failed");
    EXPECT_EQ(errInfo(Err::UnitFailed).status, 502);
    EXPECT_EQ(errInfo(Err::UnitTimeout).status, 504);
}
