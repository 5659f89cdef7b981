#include "core/log/Mask.h"

#include <gtest/gtest.h>

using namespace medbox;

TEST(MaskTest, IdNumberKeepsFirstThreeAndLastFour) {
    EXPECT_EQ(mask::idNumber("110101199003071234"), "110***********1234");
    EXPECT_EQ(mask::idNumber("11010519491231002X"), "110***********002X");
    EXPECT_EQ(mask::idNumber("1234"), "****");  // too short to reveal anything
}

TEST(MaskTest, PhoneKeepsFirstThreeAndLastFour) {
    EXPECT_EQ(mask::phone("13812345678"), "138****5678");
    EXPECT_EQ(mask::phone("123"), "***");
}

TEST(MaskTest, NameIsUtf8Aware) {
    EXPECT_EQ(mask::name("张三丰"), "张**");
    EXPECT_EQ(mask::name("李四"), "李*");
    EXPECT_EQ(mask::name("王"), "王");
    EXPECT_EQ(mask::name("Ann"), "A**");
    EXPECT_EQ(mask::name(""), "");
    EXPECT_EQ(mask::name("\xe5\xbc"), "\xe5\xbc");  // truncated sequence: no crash, no over-read
}

TEST(MaskTest, ScrubMasksIdAndPhoneRuns) {
    EXPECT_EQ(mask::scrub("patient 110101199003071234 called"), "patient 110***********1234 called");
    EXPECT_EQ(mask::scrub("id=11010519491231002X."), "id=110***********002X.");
    EXPECT_EQ(mask::scrub("id=11010519491231002x"), "id=110***********002x");
    EXPECT_EQ(mask::scrub("tel:13812345678,"), "tel:138****5678,");
    EXPECT_EQ(mask::scrub("张三13812345678"), "张三138****5678");
}

TEST(MaskTest, ScrubLeavesOtherNumbersAlone) {
    // 13-digit millisecond timestamps, 19-digit runs, 11 digits not starting 1[3-9].
    EXPECT_EQ(mask::scrub("at 1767225600000 ok"), "at 1767225600000 ok");
    EXPECT_EQ(mask::scrub("n=1234567890123456789"), "n=1234567890123456789");
    EXPECT_EQ(mask::scrub("n=12012345678"), "n=12012345678");
    EXPECT_EQ(mask::scrub("n=138123456789"), "n=138123456789");            // 12 digits
    EXPECT_EQ(mask::scrub("n=1381234567"), "n=1381234567");                // 10 digits
    EXPECT_EQ(mask::scrub("12345678901234567X9"), "12345678901234567X9");  // X glued to more digits
    EXPECT_EQ(mask::scrub(""), "");
}

TEST(MaskTest, ScrubHandlesSeveralMatches) {
    EXPECT_EQ(mask::scrub("13812345678/13912345678"), "138****5678/139****5678");
}
