// MSH-18 character sets through glibc's iconv: UTF-8 checked, GB18030 and
// GBK converted before parsing (their trail bytes may equal a delimiter).
#include "hl7/Charset.h"
#include "hl7/Message.h"
#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::hisbridge::hl7;

namespace {

// 张三 in GBK and GB18030.
const std::string kZhangSanGbk = "\xD5\xC5\xC8\xFD";

Err errOf(const std::string& bytes, Charset fallback = Charset::Utf8) {
    try {
        decodeMessage(bytes, fallback);
    } catch (const AppError& e) {
        return e.err();
    }
    return Err::Internal;
}

}  // namespace

TEST(Hl7CharsetTest, NamesFromMsh18AndConfiguration) {
    EXPECT_EQ(charsetNamed("UNICODE UTF-8"), Charset::Utf8);
    EXPECT_EQ(charsetNamed("utf-8"), Charset::Utf8);
    EXPECT_EQ(charsetNamed("ASCII"), Charset::Utf8);
    EXPECT_EQ(charsetNamed("GB 18030-2000"), Charset::Gb18030);
    EXPECT_EQ(charsetNamed("GB18030"), Charset::Gb18030);
    EXPECT_EQ(charsetNamed("GBK"), Charset::Gbk);
    EXPECT_EQ(charsetNamed("GB2312"), Charset::Gbk);
    EXPECT_FALSE(charsetNamed("8859/1"));
    EXPECT_FALSE(charsetNamed(""));
}

TEST(Hl7CharsetTest, Gb18030DeclaredInMsh18IsConverted) {
    const std::string raw = "MSH|^~\\&|HIS|H1|||20261203||ADT^A04|C1|P|2.5.1||||||GB 18030-2000\rPID|1||P1||" +
                            kZhangSanGbk + "\r";
    const Decoded d = decodeMessage(raw, Charset::Utf8);
    EXPECT_EQ(d.charset, Charset::Gb18030);
    const Message m = Message::parse(d.utf8);
    EXPECT_EQ(m.text("PID", 5), "张三");
}

TEST(Hl7CharsetTest, TrailBytesThatLookLikeDelimitersStayInTheirCharacter) {
    // GBK 0x81 0x7C and 0x81 0x5E: second bytes are '|' and '^'. Splitting the raw
    // bytes would cut these characters in half; converting first does not.
    const std::string name = "\x81\x7C\x81\x5E";
    const std::string raw = "MSH|^~\\&|HIS|H1|||20261203||ADT^A04|C1|P|2.5.1||||||GBK\rPID|1||P1||" + name + "|F\r";
    const Message m = Message::parse(decodeMessage(raw, Charset::Utf8).utf8);
    std::string expected;
    ASSERT_NO_THROW(expected = toUtf8(name, Charset::Gbk));
    EXPECT_EQ(m.text("PID", 5), expected);
    EXPECT_EQ(m.text("PID", 6), "F");
}

TEST(Hl7CharsetTest, WithoutMsh18ThePartnersCharsetApplies) {
    const std::string raw = "MSH|^~\\&|HIS|H1|||20261203||ADT^A04|C1|P|2.5.1\rPID|1||P1||" + kZhangSanGbk + "\r";
    EXPECT_EQ(Message::parse(decodeMessage(raw, Charset::Gbk).utf8).text("PID", 5), "张三");
    // The same bytes read as UTF-8 are refused, not stored as mojibake.
    EXPECT_EQ(errOf(raw, Charset::Utf8), Err::BadRequest);
}

TEST(Hl7CharsetTest, InvalidBytesAndUnknownCharsetsAreRefused) {
    const std::string head = "MSH|^~\\&|HIS|H1|||20261203||ADT^A04|C1|P|2.5.1";
    EXPECT_EQ(errOf(head + "||||||UNICODE UTF-8\rPID|1||\xC3\x28\r"), Err::BadRequest);  // bad UTF-8
    EXPECT_EQ(errOf(head + "\rPID|1||\xED\xA0\x80\r"), Err::BadRequest);                 // a surrogate
    EXPECT_EQ(errOf(head + "\rPID|1||\xC0\xAF\r"), Err::BadRequest);                     // overlong
    EXPECT_EQ(errOf(head + "\rPID|1||\xE5\xBC\r"), Err::BadRequest);                     // cut short
    EXPECT_EQ(errOf(head + "||||||GB 18030-2000\rPID|1||\x81\r"), Err::BadRequest);      // half a character
    EXPECT_EQ(errOf(head + "||||||EBCDIC\r"), Err::BadRequest);
    try {
        decodeMessage(head + "||||||EBCDIC\r", Charset::Utf8);
    } catch (const AppError& e) {
        EXPECT_EQ(e.field(), "MSH-18");
    }
}

TEST(Hl7CharsetTest, AnswersGoBackInTheMessagesCharset) {
    EXPECT_EQ(fromUtf8("张三", Charset::Gb18030), kZhangSanGbk);
    EXPECT_EQ(fromUtf8("MSA|AA", Charset::Gbk), "MSA|AA");
    EXPECT_EQ(toUtf8(fromUtf8("𠀀", Charset::Gb18030), Charset::Gb18030), "𠀀");  // 4-byte GB18030
}

TEST(Hl7CharsetTest, RawHeaderReadsMsh3AndMsh18) {
    const RawHeader h = readRawHeader("MSH|^~\\&|LIS^x|H1|||t||ORU^R01|C|P|2.5.1||||||GBK^y\rPID|1\r");
    EXPECT_EQ(h.sendingApplication, "LIS");
    EXPECT_EQ(h.charset, "GBK");
    EXPECT_EQ(readRawHeader("MSH|^~\\&|LIS\r").charset, "");
    EXPECT_EQ(readRawHeader("\r\nMSH|^~\\&|LIS\r").sendingApplication, "LIS");  // leading line ends, as parse()
    EXPECT_THROW(readRawHeader("\r\n"), AppError);
}
