#include "core/auth/Password.h"

#include <gtest/gtest.h>

using namespace medbox;

namespace {
// Cheap parameters keep the suite fast; the format and logic are the same.
const password::Params kFast{1 << 10, 8, 1};
}  // namespace

TEST(PasswordTest, HashVerifiesAndWrongPasswordFails) {
    std::string stored = password::hash("Correct horse 1", kFast);
    EXPECT_EQ(stored.rfind("scrypt$1024$8$1$", 0), 0u) << stored;
    EXPECT_EQ(stored.find('\n'), std::string::npos);
    EXPECT_TRUE(password::verify("Correct horse 1", stored));
    EXPECT_FALSE(password::verify("Correct horse 2", stored));
    EXPECT_FALSE(password::verify("", stored));
}

TEST(PasswordTest, SaltMakesEachHashDifferent) {
    EXPECT_NE(password::hash("same password 1A", kFast), password::hash("same password 1A", kFast));
}

TEST(PasswordTest, DefaultParametersWork) {
    std::string stored = password::hash("Default-params-9");
    EXPECT_EQ(stored.rfind("scrypt$32768$8$1$", 0), 0u) << stored;
    EXPECT_TRUE(password::verify("Default-params-9", stored));
    EXPECT_FALSE(password::needsRehash(stored));
}

TEST(PasswordTest, MalformedStoredValuesAreRefusedWithoutThrowing) {
    std::string good = password::hash("Correct horse 1", kFast);
    std::string hashPart = good.substr(good.rfind('$') + 1);
    std::string saltPart = good.substr(0, good.rfind('$'));
    saltPart = saltPart.substr(saltPart.rfind('$') + 1);
    for (const std::string& bad : {
             std::string(""),
             std::string("scrypt"),
             std::string("bcrypt$1024$8$1$") + saltPart + "$" + hashPart,
             std::string("scrypt$1000$8$1$") + saltPart + "$" + hashPart,         // N not a power of two
             std::string("scrypt$1024$8$1$") + saltPart + "$" + hashPart + "$x",  // extra field
             std::string("scrypt$1024$8$1$!!!!$") + hashPart,                     // bad base64
             std::string("scrypt$1024$8$1$") + saltPart + "$AAAA",                // wrong hash length
             std::string("scrypt$99999999999999999999999$8$1$") + saltPart + "$" + hashPart,
             std::string("scrypt$4294967296$8$1$") + saltPart + "$" + hashPart,  // would need 512 GiB
             std::string("scrypt$-1024$8$1$") + saltPart + "$" + hashPart,
         }) {
        EXPECT_FALSE(password::verify("Correct horse 1", bad)) << bad;
        EXPECT_TRUE(password::needsRehash(bad)) << bad;
    }
}

TEST(PasswordTest, TamperedHashFails) {
    std::string stored = password::hash("Correct horse 1", kFast);
    std::string tampered = stored;
    char& c = tampered[tampered.size() - 3];
    c = c == 'A' ? 'B' : 'A';
    EXPECT_FALSE(password::verify("Correct horse 1", tampered));
}

TEST(PasswordTest, NeedsRehashWhenWeaker) {
    std::string weak = password::hash("Correct horse 1", kFast);
    EXPECT_TRUE(password::needsRehash(weak));
    EXPECT_FALSE(password::needsRehash(weak, kFast));
}

TEST(PasswordTest, Policy) {
    EXPECT_NE(password::checkPolicy("Ab1!"), "");
    EXPECT_NE(password::checkPolicy("Abcdefgh1"), "");   // 9 characters
    EXPECT_EQ(password::checkPolicy("Abcdefgh12"), "");  // lower, upper, digit
    EXPECT_EQ(password::checkPolicy("abcdefgh1!"), "");  // lower, digit, other
    EXPECT_NE(password::checkPolicy("abcdefghij"), "");  // one class
    EXPECT_NE(password::checkPolicy("abcdefgh12"), "");  // two classes
    EXPECT_NE(password::checkPolicy("aaaaaaaaaaaaaaaa"), "");
    EXPECT_NE(password::checkPolicy("张三丰李四王五赵六"), "");  // 9 characters (27 bytes)
    EXPECT_EQ(password::checkPolicy("张三丰李四王五赵六Ab1"), "");
    EXPECT_NE(password::checkPolicy("短密码Ab1"), "");
}

TEST(PasswordTest, CountsCharactersAndClasses) {
    EXPECT_EQ(password::charCount(""), 0u);
    EXPECT_EQ(password::charCount("Abc1"), 4u);
    EXPECT_EQ(password::charCount("张三Ab"), 4u);  // 8 bytes
    EXPECT_EQ(password::charClasses(""), 0);
    EXPECT_EQ(password::charClasses("abc"), 1);
    EXPECT_EQ(password::charClasses("aB"), 2);
    EXPECT_EQ(password::charClasses("aB3"), 3);
    EXPECT_EQ(password::charClasses("aB3!"), 4);
    EXPECT_EQ(password::charClasses("张三ab"), 2);  // non-ASCII counts as other
}
