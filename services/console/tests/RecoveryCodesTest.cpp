// TOTP recovery codes: their form, how typed codes are read, and on a real
// database: ten at enrolment, each good once at the TOTP step (audited),
// a new list ending the old one, the admin's removal of the factor taking
// them along, a wrong code counting toward the lockout.
#include "AccountsFixture.h"
#include "domain/RecoveryCodes.h"
#include "core/util/Ids.h"
#include "domain/Totp.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace medbox;
using namespace medbox::console;
using medbox::console::testenv::AccountsTest;

TEST(RecoveryCodes, TenDistinctCodesInGroupsOfFour) {
    const auto codes = recovery::generate(ids::randomBytes);
    ASSERT_EQ(codes.size(), 10u);
    EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10u);
    const std::regex shape("[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}");
    for (const auto& c : codes) EXPECT_TRUE(std::regex_match(c, shape)) << c;
}

TEST(RecoveryCodes, TypedLooselyReadTheSame) {
    EXPECT_EQ(recovery::normalize("abcd-efgh-ijkl-mnop"), "ABCDEFGHIJKLMNOP");
    EXPECT_EQ(recovery::normalize(" ABCD EFGH IJKL MNOP "), "ABCDEFGHIJKLMNOP");
    EXPECT_EQ(recovery::normalize("ABCD-EFGH-IJKL-MNO"), std::nullopt);    // short
    EXPECT_EQ(recovery::normalize("ABCD-EFGH-IJKL-MNO1"), std::nullopt);   // 1 is not base32
    EXPECT_EQ(recovery::normalize("ABCD-EFGH-IJKL-MNOPQ"), std::nullopt);  // long
    EXPECT_EQ(recovery::normalize(std::string(100, 'A')), std::nullopt);
    EXPECT_EQ(recovery::hash("ABCDEFGHIJKLMNOP").size(), 64u);
    EXPECT_NE(recovery::hash("ABCDEFGHIJKLMNOP"), recovery::hash("ABCDEFGHIJKLMNOQ"));
}

TEST(RecoveryCodes, HashAllStoresEachAsTyped) {
    const auto codes = recovery::generate(ids::randomBytes);
    const auto hashes = recovery::hashAll(codes);
    ASSERT_EQ(hashes.size(), codes.size());
    for (size_t i = 0; i < codes.size(); ++i) EXPECT_EQ(hashes[i], recovery::hash(*recovery::normalize(codes[i])));
}

namespace {

class RecoveryCodesTest : public AccountsTest {
protected:
    // Enrols a second factor for `name`; returns its recovery codes.
    std::vector<std::string> enrol(const std::string& name) {
        const auto e = accounts_->enrollTotp(name);
        const auto key = totp::base32Decode(e.secret).value();
        return accounts_->confirmTotp(name, totp::at(key, clock_.nowSeconds()));
    }
};

}  // namespace

TEST_F(RecoveryCodesTest, EachCodeSignsInOnceAndIsAudited) {
    createUser("doc.r", {"doctor"});
    const auto codes = enrol("doc.r");
    ASSERT_EQ(codes.size(), 10u);
    EXPECT_EQ(expectError(Err::BadCredentials, [&] { accounts_->login("doc.r", "Good-Pass-123", std::nullopt); }),
              "totp");
    const auto s = accounts_->login("doc.r", "Good-Pass-123", std::nullopt, codes[0]);
    EXPECT_EQ(verify(s.token).roles, (std::vector<std::string>{"doctor"}));
    EXPECT_EQ(expectError(Err::BadCredentials,
                          [&] { accounts_->login("doc.r", "Good-Pass-123", std::nullopt, codes[0]); }),
              "totp");
    EXPECT_EQ(auditCount("auth.recovery_code_used", "ok"), 1);
    EXPECT_NE(allAuditText().find(R"("left":9)"), std::string::npos);
    // Only hashes are stored.
    const auto stored = db_->read([&](db::Connection& c) {
        auto st = c.prepare("SELECT group_concat(code_hash, ' ') FROM totp_recovery_codes");
        st.step();
        return st.str(0);
    });
    EXPECT_EQ(stored.find(codes[1].substr(0, 4)), std::string::npos);
}

TEST_F(RecoveryCodesTest, ANewListEndsTheOldAndRemovingTheFactorEndsAll) {
    const auto id = createUser("doc.n", {"doctor"});
    const auto first = enrol("doc.n");
    const auto second = accounts_->newRecoveryCodes("doc.n");
    expectError(Err::BadCredentials, [&] { accounts_->login("doc.n", "Good-Pass-123", std::nullopt, first[1]); });
    EXPECT_NO_THROW(accounts_->login("doc.n", "Good-Pass-123", std::nullopt, second[1]));
    UserPatch p;
    p.totpEnabled = false;
    accounts_->update("staff:admin", id, p);
    EXPECT_EQ(db_->read([&](db::Connection& c) {
        auto st = c.prepare("SELECT COUNT(*) FROM totp_recovery_codes");
        st.step();
        return st.i64(0);
    }),
              0);
    expectError(Err::Conflict, [&] { accounts_->newRecoveryCodes("doc.n"); });
}

TEST_F(RecoveryCodesTest, WrongCodesCountTowardTheLockout) {
    createUser("doc.l", {"doctor"});
    enrol("doc.l");
    for (int i = 0; i < config_.lockoutThreshold - 1; ++i)
        expectError(Err::BadCredentials,
                    [&] { accounts_->login("doc.l", "Good-Pass-123", std::nullopt, "AAAA-AAAA-AAAA-AAAA"); });
    EXPECT_THROW(accounts_->login("doc.l", "Good-Pass-123", std::nullopt, "AAAA-AAAA-AAAA-AAAA"), LockedError);
}

TEST_F(RecoveryCodesTest, ADisabledAccountChangesNothingOfItsOwn) {
    const auto id = createUser("doc.d", {"doctor"});
    const auto pending = accounts_->enrollTotp("doc.d");
    const auto key = totp::base32Decode(pending.secret).value();
    UserPatch p;
    p.enabled = false;
    accounts_->update("staff:admin", id, p);
    expectError(Err::Unauthenticated, [&] { accounts_->enrollTotp("doc.d"); });
    expectError(Err::Unauthenticated, [&] { accounts_->confirmTotp("doc.d", totp::at(key, clock_.nowSeconds())); });
    expectError(Err::Unauthenticated, [&] { accounts_->newRecoveryCodes("doc.d"); });
    expectError(Err::Unauthenticated, [&] { accounts_->me("doc.d"); });
    expectError(Err::Unauthenticated, [&] { accounts_->me("nobody"); });
    EXPECT_EQ(auditCount("auth.totp_confirm", "ok"), 0);
}
