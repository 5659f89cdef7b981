#include "core/error/ErrorCodes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

using namespace medbox;

// Codes are what clients match on: each must be distinct per enum value except
// where two errors deliberately share a name, and statuses must be errors.
TEST(ErrorCodesTest, EveryCodeHasAnErrorStatusAndAName) {
    std::set<std::string> names;
    for (int i = 0; i <= static_cast<int>(kLastErr); ++i) {
        const auto& info = errInfo(static_cast<Err>(i));
        EXPECT_GE(info.status, 400) << info.code;
        EXPECT_LT(info.status, 600) << info.code;
        EXPECT_FALSE(info.code.empty());
        EXPECT_TRUE(names.insert(std::string(info.code)).second) << "duplicate code " << info.code;
    }
}

TEST(ErrorCodesTest, KnownRows) {
    EXPECT_EQ(errInfo(Err::SlotFull).code, "slot_full");
    EXPECT_EQ(errInfo(Err::SlotFull).status, 409);
    EXPECT_EQ(errInfo(Err::Unauthenticated).status, 401);
    EXPECT_EQ(errInfo(Err::Forbidden).status, 403);
    EXPECT_EQ(errInfo(Err::PayloadTooLarge).status, 413);
    EXPECT_EQ(errInfo(Err::UnitFailed).code, "unit_failed");
    EXPECT_EQ(errInfo(Err::UnitFailed).status, 502);
    EXPECT_EQ(errInfo(Err::UnitTimeout).status, 504);
}

// The HL7 bridge answers a NAK from the same error: every kind has an
// acknowledgement code, and the rule of docs/errors.md holds row by row.
TEST(ErrorCodesTest, EveryKindHasAnHl7AcknowledgementFollowingTheRule) {
    for (int i = 0; i <= static_cast<int>(kLastErr); ++i) {
        const auto& info = errInfo(static_cast<Err>(i));
        const auto text = hl7AckText(info.ack);
        EXPECT_TRUE(text == "AE" || text == "AR") << info.code;
        // We could not process anything (5xx): the same message may be sent again later.
        if (info.status >= 500) {
            EXPECT_EQ(info.ack, Hl7Ack::AR) << info.code;
        }
        // A conflict with the data is an error found while processing.
        if (info.status == 409) {
            EXPECT_EQ(info.ack, Hl7Ack::AE) << info.code;
        }
    }
    EXPECT_EQ(hl7AckText(Hl7Ack::AE), "AE");
    EXPECT_EQ(hl7AckText(Hl7Ack::AR), "AR");
}

TEST(ErrorCodesTest, MalformedOrRefusedInputIsRejectedAndWrongContentIsAnError) {
    // Refused before the content is looked at: AR.
    for (Err e : {Err::BadRequest, Err::PayloadTooLarge, Err::UnsupportedMedia, Err::MethodNotAllowed,
                  Err::Unauthenticated, Err::Forbidden, Err::RateLimited, Err::Internal, Err::Unavailable})
        EXPECT_EQ(errInfo(e).ack, Hl7Ack::AR) << errInfo(e).code;
    // Processed, and the content is wrong or conflicts with the data: AE.
    for (Err e : {Err::InvalidField, Err::MissingField, Err::UnknownField, Err::NotFound, Err::Conflict,
                  Err::IdempotencyMismatch, Err::SlotFull, Err::NoShowBlocked, Err::ScheduleStopped})
        EXPECT_EQ(errInfo(e).ack, Hl7Ack::AE) << errInfo(e).code;
}
