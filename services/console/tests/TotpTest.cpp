// TOTP against the published vectors: RFC 6238 appendix B (SHA-1 rows), RFC
// 4226 appendix D, RFC 4648 section 10 for base32.
#include "domain/Totp.h"

#include <gtest/gtest.h>

using namespace medbox::console;

namespace {
const std::string kRfcKey = "12345678901234567890";  // the SHA-1 seed of RFC 6238 appendix B
}

TEST(TotpTest, Rfc6238AppendixBSha1Vectors) {
    EXPECT_EQ(totp::at(kRfcKey, 59, 8), "94287082");
    EXPECT_EQ(totp::at(kRfcKey, 1111111109, 8), "07081804");
    EXPECT_EQ(totp::at(kRfcKey, 1111111111, 8), "14050471");
    EXPECT_EQ(totp::at(kRfcKey, 1234567890, 8), "89005924");
    EXPECT_EQ(totp::at(kRfcKey, 2000000000, 8), "69279037");
    EXPECT_EQ(totp::at(kRfcKey, 20000000000, 8), "65353130");
}

TEST(TotpTest, Rfc4226AppendixDHotpVectors) {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(totp::hotp(kRfcKey, i), expected[i]) << "counter " << i;
}

TEST(TotpTest, Base32Rfc4648Vectors) {
    EXPECT_EQ(totp::base32Encode(""), "");
    EXPECT_EQ(totp::base32Encode("f"), "MY");
    EXPECT_EQ(totp::base32Encode("fo"), "MZXQ");
    EXPECT_EQ(totp::base32Encode("foo"), "MZXW6");
    EXPECT_EQ(totp::base32Encode("foob"), "MZXW6YQ");
    EXPECT_EQ(totp::base32Encode("fooba"), "MZXW6YTB");
    EXPECT_EQ(totp::base32Encode("foobar"), "MZXW6YTBOI");
    EXPECT_EQ(totp::base32Decode("MZXW6YTBOI======"), "foobar");
    EXPECT_EQ(totp::base32Decode("mzxw 6ytb oi"), "foobar");
    EXPECT_FALSE(totp::base32Decode("MZXW1").has_value());  // '1' is not in the alphabet
    EXPECT_EQ(totp::base32Encode(kRfcKey), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    EXPECT_EQ(totp::base32Decode(totp::base32Encode(kRfcKey)), kRfcKey);
}

TEST(TotpTest, VerifyAcceptsOneStepEitherSideOnly) {
    const int64_t t = 1111111111;
    const int64_t step = t / 30;
    for (int d : {-1, 0, 1}) {
        const auto code = totp::hotp(kRfcKey, static_cast<uint64_t>(step + d));
        EXPECT_EQ(totp::verify(kRfcKey, code, t, std::nullopt), step + d) << "offset " << d;
    }
    for (int d : {-2, 2}) {
        const auto code = totp::hotp(kRfcKey, static_cast<uint64_t>(step + d));
        EXPECT_FALSE(totp::verify(kRfcKey, code, t, std::nullopt).has_value()) << "offset " << d;
    }
}

TEST(TotpTest, VerifyRefusesReplayAndMalformedCodes) {
    const int64_t t = 1234567890;
    const auto code = totp::at(kRfcKey, t);
    const auto step = totp::verify(kRfcKey, code, t, std::nullopt);
    ASSERT_TRUE(step.has_value());
    EXPECT_FALSE(totp::verify(kRfcKey, code, t, step).has_value()) << "a code is good once";
    EXPECT_FALSE(totp::verify(kRfcKey, "", t, std::nullopt).has_value());
    EXPECT_FALSE(totp::verify(kRfcKey, "12345", t, std::nullopt).has_value());
    EXPECT_FALSE(totp::verify(kRfcKey, "1234567", t, std::nullopt).has_value());
    EXPECT_FALSE(totp::verify(kRfcKey, "12a456", t, std::nullopt).has_value());
    EXPECT_FALSE(totp::verify(kRfcKey, " " + code.substr(1), t, std::nullopt).has_value());
}

TEST(TotpTest, OtpauthUri) {
    EXPECT_EQ(totp::otpauthUri("medbox", "alice", "ABC"),
              "otpauth://totp/medbox:alice?secret=ABC&issuer=medbox&algorithm=SHA1&digits=6&period=30");
    EXPECT_EQ(totp::otpauthUri("My Hospital", "a.b", "X"),
              "otpauth://totp/My%20Hospital:a.b?secret=X&issuer=My%20Hospital&algorithm=SHA1&digits=6&period=30");
}
