// HL7 v2 decoding and encoding (src/hl7/): delimiters from MSH-1/MSH-2,
// escape sequences, repetitions, components, subcomponents, empty versus
// null, line ends, limits. Table-driven where the cases share a shape.
#include "hl7/Escape.h"
#include "hl7/Message.h"
#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::hisbridge::hl7;

namespace {

const char* kAdt =
    "MSH|^~\\&|HIS|HOSP01|MEDBOX|HOSP01|20261203101500||ADT^A04^ADT_A01|CTL0001|P|2.5.1\r"
    "EVN|A04|20261203101500\r"
    "PID|1||P12345^^^HIS^PI~C0098^^^HIS^CARD||Zhang^San^^^^^L||19900307|M|||||^PRN^PH^^^^^^^^^13812345678\r";

Err errOf(std::string_view bytes, const ParseLimits& lim = {}) {
    try {
        Message::parse(bytes, lim);
    } catch (const AppError& e) {
        return e.err();
    }
    ADD_FAILURE() << "parsed: " << bytes;
    return Err::Internal;
}

}  // namespace

TEST(Hl7MessageTest, ReadsSegmentsFieldsRepetitionsComponents) {
    const Message m = Message::parse(kAdt);
    ASSERT_EQ(m.segments().size(), 3u);
    EXPECT_EQ(m.text("MSH", 1), "|");
    EXPECT_EQ(m.text("MSH", 2), "^~\\&");
    EXPECT_EQ(m.text("MSH", 9, 1, 1), "ADT");
    EXPECT_EQ(m.text("MSH", 9, 1, 2), "A04");
    EXPECT_EQ(m.text("MSH", 10), "CTL0001");
    EXPECT_EQ(m.text("MSH", 12), "2.5.1");
    const Segment& pid = *m.find("PID");
    EXPECT_EQ(m.repetitions(pid, 3), 2u);
    EXPECT_EQ(m.value(pid, 3, 2, 1).text, "C0098");
    EXPECT_EQ(m.value(pid, 3, 2, 5).text, "CARD");
    EXPECT_EQ(m.value(pid, 5, 1, 2).text, "San");
    EXPECT_EQ(m.value(pid, 13, 1, 12).text, "13812345678");
    EXPECT_TRUE(m.value(pid, 3, 3, 1).empty());  // beyond the repetitions
    EXPECT_TRUE(m.value(pid, 99).empty());       // beyond the fields
    EXPECT_TRUE(m.value("ZZZ", 1).empty());      // no such segment
}

TEST(Hl7MessageTest, DelimitersComeFromTheMessage) {
    // Other separators entirely: field '#', component '$', repetition '*', escape '!', subcomponent '%'.
    const Message m = Message::parse("MSH#$*!%#HIS#H1#MB#H1#20261203##ADT$A08#C2#P#2.5.1\rPID#1##A$B%C*D#x!F!y\r");
    EXPECT_EQ(m.delimiters().field, '#');
    EXPECT_EQ(m.text("MSH", 9, 1, 2), "A08");
    const Segment& pid = *m.find("PID");
    EXPECT_EQ(m.value(pid, 3, 1, 2, 2).text, "C");
    EXPECT_EQ(m.value(pid, 3, 2, 1).text, "D");
    EXPECT_EQ(m.value(pid, 4).text, "x#y");  // !F! is the field separator, '#'
    // '|' and '^' are ordinary characters in this message.
    const Message n = Message::parse("MSH#$*!%#A|B^C#H1\r");
    EXPECT_EQ(n.text("MSH", 3), "A|B^C");
}

TEST(Hl7MessageTest, SubcomponentsOfAComponent) {
    const Message m = Message::parse("MSH|^~\\&|A\rOBR|1|PL1&HIS|FL9^LAB&X&Y\r");
    const Segment& obr = *m.find("OBR");
    EXPECT_EQ(m.value(obr, 2, 1, 1, 1).text, "PL1");
    EXPECT_EQ(m.value(obr, 2, 1, 1, 2).text, "HIS");
    EXPECT_EQ(m.value(obr, 3, 1, 2, 3).text, "Y");
    EXPECT_EQ(m.value(obr, 3, 1, 2, 4).kind, Value::Kind::Empty);
}

TEST(Hl7MessageTest, EmptyAndNullAreDifferent) {
    const Message m = Message::parse("MSH|^~\\&|A\rPID|1||P1||\"\"|||\"\"^x\r");
    const Segment& pid = *m.find("PID");
    EXPECT_EQ(m.value(pid, 4).kind, Value::Kind::Empty);  // || : not sent, keep
    EXPECT_EQ(m.value(pid, 5).kind, Value::Kind::Null);   // "" : delete
    EXPECT_EQ(m.value(pid, 8, 1, 1).kind, Value::Kind::Null);
    EXPECT_EQ(m.value(pid, 8, 1, 2).text, "x");
    EXPECT_EQ(m.value(pid, 3).kind, Value::Kind::Text);
}

struct EscapeCase {
    const char* raw;
    const char* decoded;
};

class Hl7EscapeTest : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(Hl7EscapeTest, Decodes) {
    const Delimiters d;
    EXPECT_EQ(unescape(GetParam().raw, d), GetParam().decoded) << GetParam().raw;
}

INSTANTIATE_TEST_SUITE_P(Sequences, Hl7EscapeTest,
                         ::testing::Values(EscapeCase{"a\\F\\b", "a|b"}, EscapeCase{"a\\S\\b", "a^b"},
                                           EscapeCase{"a\\T\\b", "a&b"}, EscapeCase{"a\\R\\b", "a~b"},
                                           EscapeCase{"a\\E\\b", "a\\b"}, EscapeCase{"\\X0D0A\\", "\r\n"},
                                           EscapeCase{"\\XE5BCA0\\", "\xE5\xBC\xA0"},   // 张 in UTF-8
                                           EscapeCase{"\\xe5\\", "\\xe5\\"},            // lower-case x: not \X\, kept
                                           EscapeCase{"\\X0\\", "\\X0\\"},              // odd digits: kept
                                           EscapeCase{"\\XZZ\\", "\\XZZ\\"},            // not hex: kept
                                           EscapeCase{"\\X\\", "\\X\\"},                // no digits: kept
                                           EscapeCase{"a\\H\\b\\N\\", "a\\H\\b\\N\\"},  // formatting: kept
                                           EscapeCase{"x\\.br\\y", "x\\.br\\y"}, EscapeCase{"\\Zlocal\\", "\\Zlocal\\"},
                                           EscapeCase{"\\C2842\\", "\\C2842\\"},  // charset switch: kept
                                           EscapeCase{"tail\\F", "tail\\F"},      // never closed: kept
                                           EscapeCase{"\\\\", "\\\\"},            // empty sequence: kept
                                           EscapeCase{"plain", "plain"}, EscapeCase{"", ""}));

TEST(Hl7MessageTest, EscapeThenUnescapeGivesTheTextBack) {
    const Delimiters d;
    for (const std::string text : {"a|b^c~d\\e&f", "line1\rline2\nline3", "张三 | 李四", "\\F\\ literally", ""}) {
        const std::string esc = escape(text, d);
        EXPECT_EQ(esc.find_first_of("|^~&\r\n"), std::string::npos) << esc;
        EXPECT_EQ(unescape(esc, d), text);
    }
}

TEST(Hl7MessageTest, EscapedValuesInsideAMessage) {
    const Message m = Message::parse("MSH|^~\\&|A\rOBX|1|TX|X||5 \\S\\ 7 mmol\\F\\L~second \\T\\ line\r");
    const Segment& obx = *m.find("OBX");
    EXPECT_EQ(m.value(obx, 5, 1).text, "5 ^ 7 mmol|L");
    EXPECT_EQ(m.value(obx, 5, 2).text, "second & line");
}

struct LineEndCase {
    const char* name;
    const char* sep;
};

class Hl7LineEndTest : public ::testing::TestWithParam<LineEndCase> {};

TEST_P(Hl7LineEndTest, SegmentsSeparatedBy) {
    const std::string s = GetParam().sep;
    const Message m = Message::parse("MSH|^~\\&|A" + s + "PID|1||P1" + s + s + "OBX|1" + s);
    ASSERT_EQ(m.segments().size(), 3u) << GetParam().name;
    EXPECT_EQ(m.text("PID", 3), "P1");
}

INSTANTIATE_TEST_SUITE_P(Separators, Hl7LineEndTest,
                         ::testing::Values(LineEndCase{"CR", "\r"}, LineEndCase{"CRLF", "\r\n"},
                                           LineEndCase{"LF", "\n"}),
                         [](const auto& info) { return std::string(info.param.name); });

struct BadCase {
    const char* name;
    std::string bytes;
    Err err;
};

class Hl7BadMessageTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(Hl7BadMessageTest, IsRefusedWithAClearError) { EXPECT_EQ(errOf(GetParam().bytes), GetParam().err); }

INSTANTIATE_TEST_SUITE_P(
    Malformed, Hl7BadMessageTest,
    ::testing::Values(BadCase{"Empty", "", Err::BadRequest}, BadCase{"Garbage", "hello world", Err::BadRequest},
                      BadCase{"NotMshFirst", "PID|1\rMSH|^~\\&|A\r", Err::BadRequest},
                      BadCase{"MshOnlyName", "MSH", Err::BadRequest},
                      BadCase{"LetterAsSeparator", "MSHA^~\\&A", Err::BadRequest},
                      BadCase{"ShortEncoding", "MSH|^~|A\r", Err::BadRequest},
                      BadCase{"RepeatedDelimiter", "MSH|^^\\&|A\r", Err::BadRequest},
                      BadCase{"SeparatorInEncoding", "MSH|^~|&|A\r", Err::BadRequest},
                      BadCase{"SpaceDelimiter", "MSH|^ \\&|A\r", Err::BadRequest},
                      BadCase{"BadSegmentName", "MSH|^~\\&|A\rpid|1\r", Err::BadRequest},
                      BadCase{"LongSegmentName", "MSH|^~\\&|A\rPIDX|1\r", Err::BadRequest},
                      BadCase{"SecondMsh", "MSH|^~\\&|A\rMSH|^~\\&|B\r", Err::BadRequest},
                      BadCase{"NulInName", std::string("MSH|^~\\&|A\rP\0D|1\r", 16), Err::BadRequest}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Hl7MessageTest, LimitsGiveAClearErrorNotACut) {
    ParseLimits lim;
    lim.maxBytes = 100;
    EXPECT_EQ(errOf(std::string("MSH|^~\\&|A\r") + std::string(200, 'x'), lim), Err::PayloadTooLarge);
    lim = {};
    lim.maxSegments = 3;
    EXPECT_NO_THROW(Message::parse("MSH|^~\\&|A\rOBX|1\rOBX|2\r", lim));
    EXPECT_EQ(errOf("MSH|^~\\&|A\rOBX|1\rOBX|2\rOBX|3\r", lim), Err::PayloadTooLarge);
    lim = {};
    lim.maxFieldsPerSegment = 4;
    EXPECT_NO_THROW(Message::parse("MSH|^~\\&|A\rOBX|1|2|3|4\r", lim));
    EXPECT_EQ(errOf("MSH|^~\\&|A\rOBX|1|2|3|4|5\r", lim), Err::PayloadTooLarge);
    lim = {};
    lim.maxRepetitions = 2;
    EXPECT_EQ(errOf("MSH|^~\\&|A\rOBX|1~2~3\r", lim), Err::PayloadTooLarge);
    lim = {};
    lim.maxComponents = 2;
    EXPECT_EQ(errOf("MSH|^~\\&|A\rOBX|1^2^3\r", lim), Err::PayloadTooLarge);
    EXPECT_NO_THROW(Message::parse("MSH|^~\\&|A\rOBX|1^2~3^4\r", lim));  // per repetition
    lim = {};
    lim.maxSubcomponents = 2;
    EXPECT_EQ(errOf("MSH|^~\\&|A\rOBX|1&2&3\r", lim), Err::PayloadTooLarge);
}

TEST(Hl7MessageTest, AcceptsAFifthEncodingCharacter) {
    const Message m = Message::parse("MSH|^~\\&#|A|B\r");  // v2.7 truncation character
    EXPECT_EQ(m.text("MSH", 3), "A");
}
