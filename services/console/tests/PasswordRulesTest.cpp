// The password rules and lockout settings: bounds, length and classes as
// configured, history (the last N cannot come back), expiry (the next
// sign-in must change it), lockout settings taking effect, and the audit
// row of a change.
#include "AccountsFixture.h"
#include "domain/PasswordRules.h"

#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::console;
using medbox::console::testenv::AccountsTest;

namespace {
constexpr int64_t kDayMs = 86'400'000;
}  // namespace

TEST(PasswordRules, BoundsKeepTheCoreFloor) {
    PasswordRules r;
    EXPECT_EQ(password_rules::validate(r), "");
    std::string field;
    r.minLength = 8;  // below the core's 10
    EXPECT_NE(password_rules::validate(r, &field), "");
    EXPECT_EQ(field, "minLength");
    r = {};
    r.minClasses = 2;
    EXPECT_NE(password_rules::validate(r, &field), "");
    EXPECT_EQ(field, "minClasses");
    r = {};
    r.historyCount = 0;
    EXPECT_NE(password_rules::validate(r, &field), "");
    EXPECT_EQ(field, "historyCount");
    r = {};
    r.maxAgeDays = 366;
    EXPECT_NE(password_rules::validate(r, &field), "");
    r = {};
    r.lockoutThreshold = 50;
    EXPECT_NE(password_rules::validate(r, &field), "");
    EXPECT_EQ(field, "lockoutThreshold");
}

TEST(PasswordRules, LengthAndClassesAsConfigured) {
    PasswordRules r;
    EXPECT_EQ(password_rules::check(r, "Abcdefgh12", "nurse"), "");
    r.minLength = 14;
    EXPECT_NE(password_rules::check(r, "Abcdefgh12", "nurse").find("14"), std::string::npos);
    EXPECT_EQ(password_rules::check(r, "Abcdefgh123456", "nurse"), "");
    r.minClasses = 4;
    EXPECT_NE(password_rules::check(r, "Abcdefgh123456", "nurse"), "");
    EXPECT_EQ(password_rules::check(r, "Abcdefgh-123456", "nurse"), "");
    // The floor still applies: the user name inside, a single repeated character.
    EXPECT_NE(password_rules::check(r, "Nurse-Pass-12345", "nurse"), "");
    // Characters, not bytes: 10 Chinese characters plus classes pass 10.
    PasswordRules zh;
    EXPECT_EQ(password_rules::check(zh, "医院护士站A1二三四五", "nurse"), "");
}

TEST(PasswordRules, Expiry) {
    PasswordRules r;
    r.maxAgeDays = 90;
    EXPECT_FALSE(password_rules::expired(r, 0, 89 * kDayMs));
    EXPECT_TRUE(password_rules::expired(r, 0, 90 * kDayMs));
    r.maxAgeDays = 0;
    EXPECT_FALSE(password_rules::expired(r, 0, 10'000 * kDayMs));
}

using PasswordRulesTest = AccountsTest;

TEST_F(PasswordRulesTest, DefaultsThenAnAdminsChangeStoredAndAudited) {
    config_.lockoutThreshold = 4;
    makeAccounts();
    auto r = accounts_->passwordRules();
    EXPECT_EQ(r.lockoutThreshold, 4);  // console.lockout_threshold is the default
    EXPECT_EQ(r.historyCount, 5);
    EXPECT_EQ(r.maxAgeDays, 90);
    r.minLength = 14;
    r.historyCount = 8;
    const auto saved = accounts_->setPasswordRules("staff:admin", r);
    EXPECT_EQ(saved, r);
    EXPECT_EQ(accounts_->passwordRules(), r);
    EXPECT_EQ(auditCount("settings.password_rules", "ok"), 1);
    const auto text = allAuditText();
    EXPECT_NE(text.find(R"("minLength":{"from":10,"to":14})"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("historyCount":{"from":5,"to":8})"), std::string::npos) << text;

    // Out of bounds: refused, nothing stored.
    auto bad = r;
    bad.minLength = 5;
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->setPasswordRules("staff:admin", bad); }), "minLength");
    EXPECT_EQ(accounts_->passwordRules(), r);
}

TEST_F(PasswordRulesTest, CreateAndResetFollowTheConfiguredLength) {
    auto r = accounts_->passwordRules();
    r.minLength = 16;
    accounts_->setPasswordRules("staff:admin", r);
    EXPECT_EQ(expectError(Err::InvalidField, [&] { createUser("short.pw", {"nurse"}, "Good-Pass-123"); }), "password");
    const auto id = createUser("long.pw", {"nurse"}, "Good-Pass-123-4567");
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->resetPassword("staff:admin", id, "Other-Pass-123"); }),
              "password");
}

TEST_F(PasswordRulesTest, HistoryRefusesTheLastPasswords) {
    auto r = accounts_->passwordRules();
    r.historyCount = 3;  // the current one and the 2 before it
    accounts_->setPasswordRules("staff:admin", r);
    createUser("nurse.h", {"nurse"}, "First-Pass-111");
    accounts_->changePassword("nurse.h", "First-Pass-111", "Second-Pass-222");
    accounts_->changePassword("nurse.h", "Second-Pass-222", "Third-Pass-333");
    accounts_->changePassword("nurse.h", "Third-Pass-333", "Fourth-Pass-444");
    // Current: Fourth; before it Third, Second: all three refused.
    EXPECT_EQ(expectError(Err::InvalidField,
                          [&] { accounts_->changePassword("nurse.h", "Fourth-Pass-444", "Third-Pass-333"); }),
              "newPassword");
    EXPECT_EQ(expectError(Err::InvalidField,
                          [&] { accounts_->changePassword("nurse.h", "Fourth-Pass-444", "Second-Pass-222"); }),
              "newPassword");
    // The first is four back: allowed again.
    EXPECT_NO_THROW(accounts_->changePassword("nurse.h", "Fourth-Pass-444", "First-Pass-111"));
    // Only hashes are kept, never the passwords.
    const auto stored = db_->read([&](db::Connection& c) {
        auto st = c.prepare("SELECT group_concat(password_hash, ' ') FROM password_history");
        st.step();
        return st.str(0);
    });
    EXPECT_EQ(stored.find("Pass"), std::string::npos);
    EXPECT_NE(stored.find("scrypt$"), std::string::npos);
}

TEST_F(PasswordRulesTest, HistoryOfOneOnlyRefusesTheCurrent) {
    auto r = accounts_->passwordRules();
    r.historyCount = 1;
    accounts_->setPasswordRules("staff:admin", r);
    createUser("nurse.o", {"nurse"}, "First-Pass-111");
    accounts_->changePassword("nurse.o", "First-Pass-111", "Second-Pass-222");
    EXPECT_NO_THROW(accounts_->changePassword("nurse.o", "Second-Pass-222", "First-Pass-111"));
}

TEST_F(PasswordRulesTest, AnExpiredPasswordMustBeChangedAtSignIn) {
    auto r = accounts_->passwordRules();
    r.maxAgeDays = 30;
    accounts_->setPasswordRules("staff:admin", r);
    createUser("doc.e", {"doctor"}, "Good-Pass-123");
    EXPECT_FALSE(accounts_->login("doc.e", "Good-Pass-123", std::nullopt).mustChangePassword);
    clock_.advanceMs(31 * kDayMs);
    const auto s = accounts_->login("doc.e", "Good-Pass-123", std::nullopt);
    EXPECT_TRUE(s.mustChangePassword);
    EXPECT_EQ(verify(s.token).roles, (std::vector<std::string>{std::string(kMustChangePasswordRole)}));
    EXPECT_EQ(auditCount("auth.password_expired", "ok"), 1);
    // The change clears it and restarts the clock.
    accounts_->changePassword("doc.e", "Good-Pass-123", "Newer-Pass-456");
    EXPECT_FALSE(accounts_->login("doc.e", "Newer-Pass-456", std::nullopt).mustChangePassword);
}

TEST_F(PasswordRulesTest, LockoutSettingsTakeEffectAtOnce) {
    auto r = accounts_->passwordRules();
    r.lockoutThreshold = 3;
    r.lockoutMinutes = 2;
    accounts_->setPasswordRules("staff:admin", r);
    createUser("reg.l", {"registrar"}, "Good-Pass-123");
    for (int i = 0; i < 2; ++i)
        expectError(Err::BadCredentials, [&] { accounts_->login("reg.l", "Wrong-Pass-1", std::nullopt); });
    EXPECT_THROW(accounts_->login("reg.l", "Wrong-Pass-1", std::nullopt), LockedError);
    EXPECT_THROW(accounts_->login("reg.l", "Good-Pass-123", std::nullopt), LockedError);
    clock_.advanceMs(2 * 60'000);
    EXPECT_NO_THROW(accounts_->login("reg.l", "Good-Pass-123", std::nullopt));
}
