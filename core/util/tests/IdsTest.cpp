#include "core/util/Ids.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <vector>

using namespace medbox;

namespace {

// The check character computed independently of the code under test:
// ISO 7064 MOD 11-2, weight of position i (1-based from the left) = 2^(18-i) mod 11.
char checkChar(const std::string& first17) {
    int sum = 0;
    for (int i = 0; i < 17; ++i) {
        int weight = 1;
        for (int k = 0; k < 17 - i; ++k) weight = weight * 2 % 11;
        sum += (first17[static_cast<size_t>(i)] - '0') * weight;
    }
    int r = (12 - sum % 11) % 11;
    return r == 10 ? 'X' : static_cast<char>('0' + r);
}

std::string withCheck(const std::string& first17) { return first17 + checkChar(first17); }

}  // namespace

TEST(IdsTest, StandardExamplesAreValid) {
    // Examples printed in GB 11643-1999.
    EXPECT_EQ(ids::checkResidentId("11010519491231002X"), "");
    // Checksum right, but born 1880: refused by the plausibility rule (year >= 1900).
    EXPECT_EQ(ids::checkResidentId("440524188001010014"), "birth date 18800101 is before 1900");
    EXPECT_EQ(checkChar("11010519491231002"), 'X');
    EXPECT_EQ(checkChar("44052418800101001"), '4');
}

TEST(IdsTest, ComputedCheckCharactersAreAcceptedAndOthersRefused) {
    for (std::string base : {"11010119900307123", "31011520000229001", "65010220241231999", "11010119900307128"}) {
        std::string valid = withCheck(base);
        EXPECT_EQ(ids::checkResidentId(valid), "") << valid;
        for (char c : std::string("0123456789X")) {
            if (c == valid.back()) continue;
            EXPECT_NE(ids::checkResidentId(base + c), "") << base + c;
        }
    }
}

TEST(IdsTest, ReasonsAreSpecific) {
    EXPECT_EQ(ids::checkResidentId("11010519491231002x"), "use upper-case X");
    EXPECT_NE(ids::checkResidentId("1101051949123100").find("18 characters"), std::string::npos);
    EXPECT_NE(ids::checkResidentId("1101051949123100A2").find("digits"), std::string::npos);
    EXPECT_NE(ids::checkResidentId(withCheck("11010519490230002")).find("not a real date"),
              std::string::npos);  // 30 Feb
    EXPECT_NE(ids::checkResidentId(withCheck("11010518991231002")).find("before 1900"), std::string::npos);
    EXPECT_NE(ids::checkResidentId(withCheck("11010530001231002")).find("future"), std::string::npos);
    EXPECT_NE(ids::checkResidentId("110105194912310021").find("check character"), std::string::npos);
    EXPECT_NE(ids::checkResidentId(withCheck("11010519000229002")).find("not a real date"),
              std::string::npos);                                         // 1900 not leap
    EXPECT_EQ(ids::checkResidentId(withCheck("11010520000229002")), "");  // 2000 is
}

TEST(IdsTest, RandomIdsHaveTheRightShapeAndDiffer) {
    std::set<std::string> seen;
    const std::regex hex128("[0-9a-f]{32}");
    for (int i = 0; i < 400; ++i) {
        std::string a = ids::random128();
        EXPECT_TRUE(std::regex_match(a, hex128)) << a;
        seen.insert(a);
    }
    EXPECT_EQ(seen.size(), 400u);
}

// Version 7: the time prefix is now's, later ids sort after earlier ones (at
// millisecond resolution), and the random part differs within one millisecond.
TEST(IdsTest, Uuid7IsTimeOrderedAndUnique) {
    using namespace std::chrono;
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    const auto before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    std::vector<std::string> made;
    for (int i = 0; i < 5000; ++i) made.push_back(ids::uuid7());  // more than one pool of random bytes
    const auto after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    std::set<std::string> seen(made.begin(), made.end());
    EXPECT_EQ(seen.size(), made.size());
    for (size_t i = 0; i < made.size(); ++i) {
        ASSERT_TRUE(std::regex_match(made[i], uuid)) << made[i];
        const std::string hexMs = made[i].substr(0, 8) + made[i].substr(9, 4);
        const long long ms = std::stoll(hexMs, nullptr, 16);
        EXPECT_GE(ms, before);
        EXPECT_LE(ms, after);
        if (i > 0) {
            EXPECT_GE(hexMs, made[i - 1].substr(0, 8) + made[i - 1].substr(9, 4)) << "ids " << i - 1 << " and " << i;
        }
    }
}

TEST(IdsTest, RandomBytesHaveTheAskedLengthAndDiffer) {
    EXPECT_EQ(ids::randomBytes(0).size(), 0u);
    const std::string a = ids::randomBytes(20);
    const std::string b = ids::randomBytes(20);
    EXPECT_EQ(a.size(), 20u);
    EXPECT_NE(a, b);  // 2^-160
}
