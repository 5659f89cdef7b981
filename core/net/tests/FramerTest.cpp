// The two framers on byte strings: whole frames, frames that arrive in
// pieces (resumed with `checked`), several frames in one buffer, oversize
// frames refused as early as possible, and bytes that break the framing.
#include "core/net/LengthPrefixFramer.h"
#include "core/net/MllpFramer.h"

#include <gtest/gtest.h>

using namespace medbox::net;
using Kind = FrameScan::Kind;

namespace {
const std::string kMsg = "MSH|^~\\&|HIS|H|MEDBOX|H|20260101||ADT^A01|1|P|2.5\rPID|1||123\r";

std::string payloadOf(const std::string& buf, const FrameScan& s) {
    return buf.substr(s.payloadOffset, s.payloadBytes);
}
}  // namespace

TEST(MllpFramerTest, AWholeFrameIsFoundAndUnwrapped) {
    MllpFramer f;
    const std::string buf = f.wrap(kMsg);
    EXPECT_EQ(buf, "\x0B" + kMsg + "\x1C\x0D");
    const auto s = f.scan(buf, 0, 1024);
    ASSERT_EQ(s.kind, Kind::Frame);
    EXPECT_EQ(s.frameBytes, buf.size());
    EXPECT_EQ(payloadOf(buf, s), kMsg);
}

TEST(MllpFramerTest, AFrameInPiecesNeedsMoreUntilItsEndAndResumesWhereItStopped) {
    MllpFramer f;
    const std::string whole = f.wrap(kMsg);
    size_t checked = 0;
    for (size_t n = 0; n < whole.size(); ++n) {
        const auto s = f.scan(std::string_view(whole).substr(0, n), checked, 1024);
        ASSERT_EQ(s.kind, Kind::NeedMore) << n;
        EXPECT_LE(s.checked, n);
        checked = s.checked;
    }
    // Ends with 0x1C alone: the frame is not over until 0x0D, and the next scan starts at the 0x1C.
    EXPECT_EQ(checked, whole.size() - 2);
    const auto s = f.scan(whole, checked, 1024);
    ASSERT_EQ(s.kind, Kind::Frame);
    EXPECT_EQ(payloadOf(whole, s), kMsg);
}

TEST(MllpFramerTest, SeveralFramesInOneBufferComeOneAtATime) {
    MllpFramer f;
    std::string buf = f.wrap("one") + f.wrap("") + f.wrap("three");
    std::vector<std::string> got;
    while (!buf.empty()) {
        const auto s = f.scan(buf, 0, 1024);
        ASSERT_EQ(s.kind, Kind::Frame);
        got.push_back(payloadOf(buf, s));
        buf.erase(0, s.frameBytes);
    }
    EXPECT_EQ(got, (std::vector<std::string>{"one", "", "three"}));
}

TEST(MllpFramerTest, BytesThatBreakTheFramingAreErrors) {
    MllpFramer f;
    EXPECT_EQ(f.scan("GET / HTTP/1.1\r\n", 0, 1024).kind, Kind::Error);
    EXPECT_EQ(f.scan("\r\x0B"
                     "abc\x1C\x0D",
                     0, 1024)
                  .kind,
              Kind::Error);  // a byte before the frame
    EXPECT_EQ(f.scan("\x0B"
                     "abc\x0B"
                     "def\x1C\x0D",
                     0, 1024)
                  .kind,
              Kind::Error);
    EXPECT_EQ(f.scan("\x0B"
                     "abc\x1C"
                     "x",
                     0, 1024)
                  .kind,
              Kind::Error);
    const auto s = f.scan(
        "\x0B"
        "abc\x1C"
        "x",
        0, 1024);
    EXPECT_FALSE(s.error.empty());
    EXPECT_EQ(s.error.find("abc"), std::string::npos) << "the reason must not quote the peer's bytes";
}

TEST(MllpFramerTest, AFrameOverTheLimitIsAnErrorAsSoonAsItPassesIt) {
    MllpFramer f;
    EXPECT_EQ(f.scan(f.wrap(std::string(10, 'a')), 0, 10).kind, Kind::Frame);
    EXPECT_EQ(f.scan(f.wrap(std::string(11, 'a')), 0, 10).kind, Kind::Error);
    // No end in sight: refused at 11 bytes, not after a megabyte.
    EXPECT_EQ(f.scan("\x0B" + std::string(10, 'a'), 0, 10).kind, Kind::NeedMore);
    EXPECT_EQ(f.scan("\x0B" + std::string(11, 'a'), 0, 10).kind, Kind::Error);
}

TEST(MllpFramerTest, WrapRefusesAMessageHoldingTheFramingBytes) {
    MllpFramer f;
    EXPECT_THROW(f.wrap("a\x1C"
                        "b"),
                 std::invalid_argument);
    EXPECT_THROW(f.wrap("a\x0B"
                        "b"),
                 std::invalid_argument);
}

TEST(LengthPrefixFramerTest, BinaryHeaderRoundTripsAndNeedsTheWholeFrame) {
    LengthPrefixFramer f(LengthPrefixFramer::Header::Binary, 4);
    const std::string buf = f.wrap("hello");
    EXPECT_EQ(buf, std::string("\0\0\0\x05hello", 9));
    for (size_t n = 0; n < buf.size(); ++n) EXPECT_EQ(f.scan(buf.substr(0, n), 0, 100).kind, Kind::NeedMore) << n;
    const auto s = f.scan(buf + f.wrap("next"), 0, 100);
    ASSERT_EQ(s.kind, Kind::Frame);
    EXPECT_EQ(s.frameBytes, 9u);
    EXPECT_EQ(payloadOf(buf, s), "hello");
    EXPECT_EQ(f.wrap(std::string(300, 'x')).substr(0, 4), std::string("\0\0\x01\x2C", 4));
}

TEST(LengthPrefixFramerTest, DecimalHeaderRoundTripsAndRefusesAHeaderThatIsNotANumber) {
    LengthPrefixFramer f(LengthPrefixFramer::Header::AsciiDecimal, 8);
    EXPECT_EQ(f.wrap("hello"), "00000005hello");
    const auto s = f.scan("00000005hello", 0, 100);
    ASSERT_EQ(s.kind, Kind::Frame);
    EXPECT_EQ(s.payloadOffset, 8u);
    EXPECT_EQ(s.payloadBytes, 5u);
    EXPECT_EQ(f.scan("0000 005hello", 0, 100).kind, Kind::Error);
    EXPECT_EQ(f.scan("-0000005hello", 0, 100).kind, Kind::Error);
    EXPECT_EQ(f.scan("0000", 0, 100).kind, Kind::NeedMore);
}

TEST(LengthPrefixFramerTest, ALengthOverTheLimitIsRefusedBeforeTheMessageIsRead) {
    LengthPrefixFramer bin(LengthPrefixFramer::Header::Binary, 4);
    EXPECT_EQ(bin.scan(std::string("\xFF\xFF\xFF\xFF", 4), 0, 1 << 20).kind, Kind::Error);
    EXPECT_EQ(bin.scan(std::string("\0\0\0\x65", 4), 0, 100).kind, Kind::Error);
    EXPECT_EQ(bin.scan(std::string("\0\0\0\x64", 4), 0, 100).kind, Kind::NeedMore);
    LengthPrefixFramer dec(LengthPrefixFramer::Header::AsciiDecimal, 9);
    EXPECT_EQ(dec.scan("999999999", 0, 1 << 20).kind, Kind::Error);
}

TEST(LengthPrefixFramerTest, HeaderSizesTheEncodingCannotHaveAreRefused) {
    using H = LengthPrefixFramer::Header;
    EXPECT_THROW(LengthPrefixFramer(H::Binary, 0), std::invalid_argument);
    EXPECT_THROW(LengthPrefixFramer(H::Binary, 5), std::invalid_argument);
    EXPECT_THROW(LengthPrefixFramer(H::AsciiDecimal, 10), std::invalid_argument);
    EXPECT_THROW(LengthPrefixFramer(H::Binary, 1).wrap(std::string(256, 'x')), std::invalid_argument);
    EXPECT_THROW(LengthPrefixFramer(H::AsciiDecimal, 2).wrap(std::string(100, 'x')), std::invalid_argument);
}
