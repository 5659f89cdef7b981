// The account use cases on a real database in a temporary folder, with a
// manual clock and cheap KDF parameters: login, lockout and its end, unknown
// users, rehash, must-change tokens, TOTP, password change, admin operations
// with the last-admin rule, bootstrap, the revocations that disabling a
// user, password and role changes and logout cause, and the audit rows they leave.
#include "AccountsFixture.h"
#include "domain/Accounts.h"
#include "domain/RoleCatalog.h"
#include "domain/Totp.h"
#include "console/EmbeddedFiles.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace medbox;
using namespace medbox::console;

using medbox::console::testenv::AccountsTest;
using medbox::console::testenv::kAdminPw;
using medbox::console::testenv::kFast;

TEST_F(AccountsTest, LoginIssuesAStaffTokenWithTheUsersRoles) {
    createUser("nurse.li", {"nurse", "registrar"});
    const auto s = accounts_->login("Nurse.Li", "Good-Pass-123", std::nullopt);
    EXPECT_EQ(s.roles, (std::vector<std::string>{"nurse", "registrar"}));
    EXPECT_FALSE(s.mustChangePassword);
    EXPECT_EQ(s.expiresAtMs, clock_.nowMs() + 900'000);
    const auto p = verify(s.token);
    EXPECT_EQ(p.kind, Principal::Kind::Staff);
    EXPECT_EQ(p.subject, "nurse.li");
    EXPECT_EQ(p.roles, s.roles);
    EXPECT_TRUE(accounts_->me("nurse.li").user.lastLoginAtMs.has_value());
    EXPECT_EQ(auditCount("auth.login", "ok"), 1);
}

TEST_F(AccountsTest, UnknownUserAndWrongPasswordLookTheSame) {
    createUser("doc.wang", {"doctor"});
    std::string msgUnknown, msgWrong;
    try {
        accounts_->login("nobody", "Good-Pass-123", std::nullopt);
    } catch (const AppError& e) {
        EXPECT_EQ(e.err(), Err::BadCredentials);
        msgUnknown = std::string(e.what()) + "|" + e.field();
    }
    try {
        accounts_->login("doc.wang", "Wrong-Pass-123", std::nullopt);
    } catch (const AppError& e) {
        EXPECT_EQ(e.err(), Err::BadCredentials);
        msgWrong = std::string(e.what()) + "|" + e.field();
    }
    EXPECT_FALSE(msgUnknown.empty());
    EXPECT_EQ(msgUnknown, msgWrong);
    EXPECT_EQ(auditCount("auth.login_failed", "failed"), 2);
}

TEST_F(AccountsTest, LockoutAfterThresholdAndUnlockWhenThePeriodEnds) {
    createUser("reg.zhao", {"registrar"});
    for (int i = 1; i < 5; ++i) {
        expectError(Err::BadCredentials, [&] { accounts_->login("reg.zhao", "Wrong-Pass-1", std::nullopt); });
        clock_.advanceMs(10'000);
    }
    // The fifth failure locks and says until when.
    try {
        accounts_->login("reg.zhao", "Wrong-Pass-1", std::nullopt);
        ADD_FAILURE() << "fifth failure did not lock";
    } catch (const LockedError& e) {
        EXPECT_EQ(e.err(), Err::Locked);
        EXPECT_EQ(e.untilMs(), clock_.nowMs() + 15 * 60'000);
    }
    // Locked: even the right password is refused.
    expectError(Err::Locked, [&] { accounts_->login("reg.zhao", "Good-Pass-123", std::nullopt); });
    EXPECT_TRUE(accounts_->get(accounts_->me("reg.zhao").user.id).lockedUntilMs.has_value());
    EXPECT_EQ(auditCount("auth.lockout", "denied"), 1);

    clock_.advanceMs(15 * 60'000);
    const auto s = accounts_->login("reg.zhao", "Good-Pass-123", std::nullopt);
    EXPECT_FALSE(s.token.empty());
    EXPECT_FALSE(accounts_->me("reg.zhao").lockedUntilMs.has_value());
}

TEST_F(AccountsTest, ConfiguredThresholdAndPeriodApply) {
    config_.lockoutThreshold = 2;
    config_.lockoutMinutes = 1;
    makeAccounts();
    createUser("sched.a", {"scheduler"});
    expectError(Err::BadCredentials, [&] { accounts_->login("sched.a", "Wrong-Pass-1", std::nullopt); });
    expectError(Err::Locked, [&] { accounts_->login("sched.a", "Wrong-Pass-1", std::nullopt); });
    clock_.advanceMs(60'000);
    EXPECT_NO_THROW(accounts_->login("sched.a", "Good-Pass-123", std::nullopt));
}

TEST_F(AccountsTest, UnknownNamesLockLikeRealOnes) {
    for (int i = 1; i < 5; ++i) {
        expectError(Err::BadCredentials, [&] { accounts_->login("ghost", "Wrong-Pass-1", std::nullopt); });
    }
    expectError(Err::Locked, [&] { accounts_->login("ghost", "Wrong-Pass-1", std::nullopt); });
    // A name created later does not inherit the lock.
    createUser("ghost", {"nurse"});
    EXPECT_NO_THROW(accounts_->login("ghost", "Good-Pass-123", std::nullopt));
}

TEST_F(AccountsTest, AdminUnlockLiftsTheLock) {
    const auto id = createUser("nurse.q", {"nurse"});
    for (int i = 0; i < 5; ++i) {
        try {
            accounts_->login("nurse.q", "Wrong-Pass-1", std::nullopt);
        } catch (const AppError&) {
        }
    }
    EXPECT_TRUE(accounts_->get(id).lockedUntilMs.has_value());
    const auto v = accounts_->unlock("staff:admin", id);
    EXPECT_FALSE(v.lockedUntilMs.has_value());
    EXPECT_NO_THROW(accounts_->login("nurse.q", "Good-Pass-123", std::nullopt));
    EXPECT_EQ(auditCount("user.unlock", "ok"), 1);
}

TEST_F(AccountsTest, SuccessResetsTheConsecutiveCount) {
    createUser("nurse.r", {"nurse"});
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 4; ++i) {
            expectError(Err::BadCredentials, [&] { accounts_->login("nurse.r", "Wrong-Pass-1", std::nullopt); });
        }
        EXPECT_NO_THROW(accounts_->login("nurse.r", "Good-Pass-123", std::nullopt));
    }
}

TEST_F(AccountsTest, DisabledUserCannotLogInOrRefresh) {
    const auto id = createUser("old.staff", {"nurse"});
    const auto s = accounts_->login("old.staff", "Good-Pass-123", std::nullopt);
    UserPatch p;
    p.enabled = false;
    accounts_->update("staff:admin", id, p);
    expectError(Err::BadCredentials, [&] { accounts_->login("old.staff", "Good-Pass-123", std::nullopt); });
    expectError(Err::Unauthenticated, [&] { accounts_->refresh("old.staff", clock_.nowMs()); });
    EXPECT_EQ(auditCount("auth.refresh", "denied"), 1);
}

TEST_F(AccountsTest, RefreshRereadsRoles) {
    const auto id = createUser("sched.b", {"scheduler"});
    UserPatch p;
    p.roles = std::vector<std::string>{"scheduler", "registrar"};
    accounts_->update("staff:admin", id, p);
    // Later than the change: at the same millisecond the order would be
    // open, and the new token would be revoked with the old ones to be safe.
    clock_.advanceMs(1);
    const auto s = accounts_->refresh("sched.b", clock_.nowMs());
    EXPECT_EQ(verify(s.token).roles, (std::vector<std::string>{"registrar", "scheduler"}));
}

// Idle and absolute session limits (docs/security.md, "Sessions"): a token
// lives token_ttl_seconds; refreshes carry the sign-in time on and stop at
// console.session_max_seconds after it.
TEST_F(AccountsTest, RefreshesKeepTheSignInTimeAndStopAtTheMaximumAge) {
    createUser("sched.m", {"scheduler"});
    const int64_t signedIn = clock_.nowMs();
    const auto first = accounts_->login("sched.m", "Good-Pass-123", std::nullopt);
    const auto p = verify(first.token);
    EXPECT_EQ(p.authTimeMs, signedIn / 1000 * 1000);
    EXPECT_EQ(first.sessionEndsAtMs, signedIn / 1000 * 1000 + 43'200'000);
    EXPECT_FALSE(first.tokenId.empty());
    EXPECT_EQ(first.tokenId, p.tokenId);

    // Eleven and a half hours of refreshes every ten minutes: the session goes on.
    auto last = first;
    for (int i = 0; i < 69; ++i) {
        clock_.advanceMs(600'000);
        last = accounts_->refresh("sched.m", verify(last.token).authTimeMs);
    }
    EXPECT_EQ(verify(last.token).authTimeMs, p.authTimeMs);
    // The last token of the session ends with it, not a full lifetime later.
    clock_.advanceMs(1'500'000);  // 11 h 55 min after the sign-in
    last = accounts_->refresh("sched.m", p.authTimeMs);
    EXPECT_EQ(last.expiresAtMs, first.sessionEndsAtMs);
    clock_.advanceMs(300'000);  // 12 h
    expectError(Err::Unauthenticated, [&] { accounts_->refresh("sched.m", p.authTimeMs); });
    EXPECT_EQ(auditCount("auth.refresh", "denied"), 1);
    // A new sign-in starts a new session.
    const auto again = accounts_->login("sched.m", "Good-Pass-123", std::nullopt);
    EXPECT_EQ(verify(again.token).authTimeMs, clock_.nowMs() / 1000 * 1000);
}

TEST_F(AccountsTest, RehashOnLoginWhenParametersWereWeaker) {
    // Made with weaker parameters than the current ones.
    config_.kdf = password::Params{1 << 9, 8, 1};
    makeAccounts();
    const auto id = createUser("legacy", {"nurse"});
    auto hashOf = [&] {
        return db_->read([&](db::Connection& c) {
            auto st = c.prepare("SELECT password_hash FROM users WHERE id = ?");
            st.args(id);
            st.step();
            return st.str(0);
        });
    };
    const auto before = hashOf();
    config_.kdf = kFast;
    makeAccounts();
    accounts_->login("legacy", "Good-Pass-123", std::nullopt);
    const auto after = hashOf();
    EXPECT_NE(before, after);
    EXPECT_FALSE(password::needsRehash(after, kFast));
    EXPECT_TRUE(password::verify("Good-Pass-123", after));
}

TEST_F(AccountsTest, MustChangeTokenOnlyCarriesTheMarkerUntilChanged) {
    const auto id = createUser("new.doc", {"doctor"}, "First-Pass-123", true);
    auto s = accounts_->login("new.doc", "First-Pass-123", std::nullopt);
    EXPECT_TRUE(s.mustChangePassword);
    EXPECT_EQ(s.roles, std::vector<std::string>{"doctor"});
    EXPECT_EQ(verify(s.token).roles, std::vector<std::string>{std::string(kMustChangePasswordRole)});

    s = accounts_->changePassword("new.doc", "First-Pass-123", "Second-Pass-456");
    EXPECT_FALSE(s.mustChangePassword);
    EXPECT_EQ(verify(s.token).roles, std::vector<std::string>{"doctor"});
    EXPECT_FALSE(accounts_->get(id).user.mustChangePassword);

    // An admin reset sets the flag again.
    accounts_->resetPassword("staff:admin", id, "Third-Pass-789");
    EXPECT_TRUE(accounts_->login("new.doc", "Third-Pass-789", std::nullopt).mustChangePassword);
    EXPECT_EQ(auditCount("user.password_reset", "ok"), 1);
}

TEST_F(AccountsTest, PasswordChangeChecksOldAndPolicy) {
    createUser("nurse.s", {"nurse"});
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->changePassword("nurse.s", "Good-Pass-123", "weak"); }),
              "newPassword");
    EXPECT_EQ(expectError(Err::InvalidField,
                          [&] { accounts_->changePassword("nurse.s", "Good-Pass-123", "Nurse.S-Pass-1"); }),
              "newPassword");
    EXPECT_EQ(expectError(Err::InvalidField,
                          [&] { accounts_->changePassword("nurse.s", "Good-Pass-123", "Good-Pass-123"); }),
              "newPassword");
    EXPECT_EQ(expectError(Err::BadCredentials,
                          [&] { accounts_->changePassword("nurse.s", "Wrong-Pass-1", "Other-Pass-456"); }),
              "oldPassword");
    // The wrong old password counted toward the lockout.
    const auto a = db_->read([&](db::Connection& c) { return store::findAttempts(c, "nurse.s"); });
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->failures, 1);
    // Nothing changed: the old password still works.
    EXPECT_NO_THROW(accounts_->login("nurse.s", "Good-Pass-123", std::nullopt));
    EXPECT_NO_THROW(accounts_->changePassword("nurse.s", "Good-Pass-123", "Other-Pass-456"));
    expectError(Err::BadCredentials, [&] { accounts_->login("nurse.s", "Good-Pass-123", std::nullopt); });
    EXPECT_NO_THROW(accounts_->login("nurse.s", "Other-Pass-456", std::nullopt));
}

TEST_F(AccountsTest, TotpEnrolConfirmAndLogin) {
    createUser("doc.t", {"doctor"});
    const auto e = accounts_->enrollTotp("doc.t");
    EXPECT_EQ(e.secret.size(), 32u);  // 20 bytes in base32
    EXPECT_NE(e.uri.find("otpauth://totp/medbox:doc.t?secret=" + e.secret), std::string::npos);
    const auto key = *totp::base32Decode(e.secret);

    // Not on until confirmed: password alone still works.
    EXPECT_NO_THROW(accounts_->login("doc.t", "Good-Pass-123", std::nullopt));
    EXPECT_EQ(expectError(Err::BadCredentials, [&] { accounts_->confirmTotp("doc.t", "000000"); }), "code");
    accounts_->confirmTotp("doc.t", totp::at(key, clock_.nowSeconds()));
    EXPECT_TRUE(accounts_->me("doc.t").user.totpEnabled);
    expectError(Err::Conflict, [&] { accounts_->enrollTotp("doc.t"); });

    clock_.advanceMs(30'000);
    EXPECT_EQ(expectError(Err::BadCredentials, [&] { accounts_->login("doc.t", "Good-Pass-123", std::nullopt); }),
              "totp");
    EXPECT_EQ(expectError(Err::BadCredentials, [&] { accounts_->login("doc.t", "Good-Pass-123", "123456"); }), "totp");
    const auto code = totp::at(key, clock_.nowSeconds());
    EXPECT_NO_THROW(accounts_->login("doc.t", "Good-Pass-123", code));
    // The same code is good once.
    EXPECT_EQ(expectError(Err::BadCredentials, [&] { accounts_->login("doc.t", "Good-Pass-123", code); }), "totp");
    // A wrong password with a right code says nothing about the code.
    clock_.advanceMs(30'000);
    EXPECT_EQ(expectError(Err::BadCredentials,
                          [&] { accounts_->login("doc.t", "Wrong-Pass-1", totp::at(key, clock_.nowSeconds())); }),
              "");
}

TEST_F(AccountsTest, TotpFailuresCountTowardLockout) {
    createUser("doc.u", {"doctor"});
    const auto key = *totp::base32Decode(accounts_->enrollTotp("doc.u").secret);
    accounts_->confirmTotp("doc.u", totp::at(key, clock_.nowSeconds()));
    for (int i = 1; i < 5; ++i) {
        expectError(Err::BadCredentials, [&] { accounts_->login("doc.u", "Good-Pass-123", std::nullopt); });
    }
    expectError(Err::Locked, [&] { accounts_->login("doc.u", "Good-Pass-123", "000000"); });
}

TEST_F(AccountsTest, AdminCanRemoveASecondFactor) {
    const auto id = createUser("doc.v", {"doctor"});
    const auto key = *totp::base32Decode(accounts_->enrollTotp("doc.v").secret);
    accounts_->confirmTotp("doc.v", totp::at(key, clock_.nowSeconds()));
    UserPatch p;
    p.totpEnabled = false;
    EXPECT_FALSE(accounts_->update("staff:admin", id, p).user.totpEnabled);
    EXPECT_NO_THROW(accounts_->login("doc.v", "Good-Pass-123", std::nullopt));
    UserPatch on;
    on.totpEnabled = true;
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->update("staff:admin", id, on); }), "totpEnabled");
}

TEST_F(AccountsTest, TheLastEnabledAdminCannotBeDisabledOrDemoted) {
    const int64_t adminId = accounts_->me("admin").user.id;
    UserPatch disable;
    disable.enabled = false;
    EXPECT_EQ(expectError(Err::Conflict, [&] { accounts_->update("staff:admin", adminId, disable); }), "enabled");
    UserPatch demote;
    demote.roles = std::vector<std::string>{"auditor"};
    EXPECT_EQ(expectError(Err::Conflict, [&] { accounts_->update("staff:admin", adminId, demote); }), "roles");
    EXPECT_EQ(auditCount("user.update", "denied"), 2);
    // Nothing changed.
    const auto v = accounts_->get(adminId);
    EXPECT_TRUE(v.user.enabled);
    EXPECT_EQ(v.user.roles, std::vector<std::string>{"admin"});

    // A disabled second admin does not count.
    const auto other = createUser("admin2", {"admin"});
    accounts_->update("staff:admin", other, disable);
    expectError(Err::Conflict, [&] { accounts_->update("staff:admin", adminId, demote); });

    // With another enabled admin it is allowed.
    UserPatch enable;
    enable.enabled = true;
    accounts_->update("staff:admin", other, enable);
    EXPECT_EQ(accounts_->update("staff:admin", adminId, demote).user.roles, std::vector<std::string>{"auditor"});
    // And now admin2 is the last one.
    expectError(Err::Conflict, [&] { accounts_->update("staff:admin2", other, disable); });
}

TEST_F(AccountsTest, CreateValidatesAndRefusesDuplicates) {
    NewUser u;
    u.username = "Bad Name";
    u.displayName = "X";
    u.password = "Good-Pass-123";
    u.roles = {"nurse"};
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->create("staff:admin", u); }), "username");
    u.username = "okname";
    u.roles = {"nurse", "superuser"};
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->create("staff:admin", u); }), "roles");
    u.roles = {};
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->create("staff:admin", u); }), "roles");
    u.roles = {"nurse"};
    u.password = "password";
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->create("staff:admin", u); }), "password");
    u.password = "Good-Pass-123";
    u.displayName = "";
    EXPECT_EQ(expectError(Err::InvalidField, [&] { accounts_->create("staff:admin", u); }), "displayName");
    EXPECT_EQ(accounts_->list(0, 100).size(), 1u) << "nothing was created";
    u.displayName = "护士 王";
    const auto v = accounts_->create("staff:admin", u);
    EXPECT_TRUE(v.user.mustChangePassword) << "admin-chosen passwords must be changed by default";
    EXPECT_EQ(expectError(Err::Conflict, [&] { accounts_->create("staff:admin", u); }), "username");
    expectError(Err::NotFound, [&] { accounts_->get(999); });
    expectError(Err::NotFound, [&] { accounts_->unlock("staff:admin", 999); });
}

TEST_F(AccountsTest, ListPagesById) {
    for (int i = 0; i < 5; ++i) createUser("user" + std::to_string(i), {"nurse"});
    const auto first = accounts_->list(0, 4);
    ASSERT_EQ(first.size(), 4u);
    EXPECT_EQ(first[0].user.username, "admin");
    const auto rest = accounts_->list(first.back().user.id, 4);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest.back().user.username, "user4");
    EXPECT_EQ(rest.back().user.roles, std::vector<std::string>{"nurse"});
}

TEST_F(AccountsTest, AuditChainVerifiesAndNeverHoldsPasswords) {
    createUser("aud.a", {"auditor"}, "Secret-Pass-777");
    accounts_->login("aud.a", "Secret-Pass-777", std::nullopt);
    try {
        accounts_->login("aud.a", "Guess-Pass-888", std::nullopt);
    } catch (const AppError&) {
    }
    accounts_->changePassword("aud.a", "Secret-Pass-777", "Newer-Pass-999");
    const auto text = allAuditText();
    for (const char* pw : {"Secret-Pass-777", "Guess-Pass-888", "Newer-Pass-999", kAdminPw.c_str()}) {
        EXPECT_EQ(text.find(pw), std::string::npos) << pw;
    }
    EXPECT_NE(text.find("staff:admin user.create user:aud.a"), std::string::npos) << text;
    EXPECT_NE(text.find("system user.bootstrap user:admin"), std::string::npos) << text;
    const auto r = audit_->verify(*db_);
    EXPECT_TRUE(r.ok) << r.reason;
    EXPECT_GE(r.rows, 5);
}

TEST_F(AccountsTest, BootstrapWithARandomPasswordWritesAPrivateFile) {
    // A fresh database without a configured password.
    accounts_.reset();
    db_.reset();
    std::filesystem::remove(dir_ / "console.db");
    std::filesystem::remove(dir_ / "console.db.audit-head");
    db::Options o;
    o.path = (dir_ / "console2.db").string();
    db_ = std::make_unique<db::Database>(o, db::migrationsFrom(console::embeddedFiles()));
    audit_ = std::make_unique<AuditLog>(clock_, "");
    config_.bootstrapAdminPassword.clear();
    makeAccounts();
    const auto r = accounts_->bootstrap(dir_.string());
    ASSERT_TRUE(r.created);
    EXPECT_TRUE(r.randomPassword);
    EXPECT_EQ(r.file, (dir_ / "console-initial-admin.txt").string());
    struct stat st {};
    ASSERT_EQ(::stat(r.file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    std::ifstream in(r.file);
    std::string line, pw;
    while (std::getline(in, line))
        if (line.rfind("password: ", 0) == 0) pw = line.substr(10);
    ASSERT_FALSE(pw.empty());
    const auto s = accounts_->login("admin", pw, std::nullopt);
    EXPECT_TRUE(s.mustChangePassword);
    // Second start: nothing happens.
    EXPECT_FALSE(accounts_->bootstrap(dir_.string()).created);
    // The first password change removes the file (and so the password from
    // the local screen, which shows it while the file exists).
    accounts_->changePassword("admin", pw, "Changed-Pass-4567");
    EXPECT_FALSE(std::filesystem::exists(r.file));
}

// ---- revocation: the verifier here consults the set the console fills ----

TEST_F(AccountsTest, DisablingAUserRevokesTheirTokensAndNoOneElses) {
    const auto id = createUser("nurse.d", {"nurse"});
    createUser("nurse.e", {"nurse"});
    const auto mine = accounts_->login("nurse.d", "Good-Pass-123", std::nullopt).token;
    const auto other = accounts_->login("nurse.e", "Good-Pass-123", std::nullopt).token;
    clock_.advanceMs(250);
    UserPatch p;
    p.enabled = false;
    accounts_->update("staff:admin", id, p);
    EXPECT_EQ(refusal(mine), "token was revoked");
    EXPECT_EQ(refusal(other), "");
    EXPECT_EQ(auditCount("auth.revoke", "ok"), 1);
    const auto text = allAuditText();
    EXPECT_NE(text.find("staff:admin auth.revoke user:nurse.d {\"reason\":\"disabled\""), std::string::npos) << text;
    // Enabling the account again does not bring the old token back.
    clock_.advanceMs(1000);
    p.enabled = true;
    accounts_->update("staff:admin", id, p);
    EXPECT_EQ(refusal(mine), "token was revoked");
    EXPECT_EQ(refusal(accounts_->login("nurse.d", "Good-Pass-123", std::nullopt).token), "");
}

TEST_F(AccountsTest, RoleChangeRevokesAndATokenReadAfterItInTheSameSecondStays) {
    const auto id = createUser("sched.c", {"scheduler"});
    const int64_t second = clock_.nowMs();  // a whole second
    clock_.advanceMs(100);
    const auto old = accounts_->login("sched.c", "Good-Pass-123", std::nullopt).token;
    EXPECT_EQ(verify(old).issuedAtMs, second);
    clock_.advanceMs(200);
    UserPatch p;
    p.roles = std::vector<std::string>{"registrar"};
    accounts_->update("staff:admin", id, p);
    EXPECT_EQ(refusal(old), "token was revoked");
    // Read at the very millisecond of the change: the order is open, so it
    // is revoked with the others rather than risk the old roles.
    EXPECT_EQ(refusal(accounts_->refresh("sched.c", clock_.nowMs()).token), "token was revoked");
    // Read after it, still in the same second: iat moves to the next one.
    clock_.advanceMs(1);
    const auto s = accounts_->refresh("sched.c", clock_.nowMs());
    EXPECT_EQ(refusal(s.token), "");
    const auto fresh = verify(s.token);
    EXPECT_EQ(fresh.roles, std::vector<std::string>{"registrar"});
    EXPECT_EQ(fresh.issuedAtMs, second + 1000);
    EXPECT_EQ(s.expiresAtMs, fresh.expiresMs);
    EXPECT_NE(allAuditText().find("auth.revoke user:sched.c {\"reason\":\"roles_changed\""), std::string::npos);
    // A display name change is not a reason.
    UserPatch name;
    name.displayName = "Scheduler C";
    clock_.advanceMs(1);
    accounts_->update("staff:admin", id, name);
    EXPECT_EQ(refusal(s.token), "");
    EXPECT_EQ(auditCount("auth.revoke", "ok"), 1);
}

TEST_F(AccountsTest, PasswordChangeRevokesEveryOtherTokenButNotItsAnswer) {
    createUser("doc.p", {"doctor"});
    const auto a = accounts_->login("doc.p", "Good-Pass-123", std::nullopt).token;
    const auto b = accounts_->login("doc.p", "Good-Pass-123", std::nullopt).token;
    // The same millisecond as the logins: the change's own token still stays.
    const auto s = accounts_->changePassword("doc.p", "Good-Pass-123", "Other-Pass-456");
    EXPECT_EQ(refusal(a), "token was revoked");
    EXPECT_EQ(refusal(b), "token was revoked");
    EXPECT_EQ(refusal(s.token), "");
    EXPECT_EQ(s.expiresAtMs, verify(s.token).expiresMs);
    EXPECT_NE(allAuditText().find("staff:doc.p auth.revoke user:doc.p {\"reason\":\"password_change\""),
              std::string::npos);
}

TEST_F(AccountsTest, PasswordResetRevokesTheUsersTokens) {
    const auto id = createUser("reg.r", {"registrar"});
    const auto t = accounts_->login("reg.r", "Good-Pass-123", std::nullopt).token;
    clock_.advanceMs(5);
    accounts_->resetPassword("staff:admin", id, "Reset-Pass-789");
    EXPECT_EQ(refusal(t), "token was revoked");
    EXPECT_NE(allAuditText().find("staff:admin auth.revoke user:reg.r {\"reason\":\"password_reset\""),
              std::string::npos);
}

TEST_F(AccountsTest, LogoutRevokesOnlyThatToken) {
    createUser("nurse.l", {"nurse"});
    const auto a = accounts_->login("nurse.l", "Good-Pass-123", std::nullopt).token;
    const auto b = accounts_->login("nurse.l", "Good-Pass-123", std::nullopt).token;
    ASSERT_NE(verify(a).tokenId, verify(b).tokenId);
    revocations_->logout(verify(a));
    EXPECT_EQ(refusal(a), "token was revoked");
    EXPECT_EQ(refusal(b), "");
    EXPECT_NE(allAuditText().find("staff:nurse.l auth.logout user:nurse.l {\"kind\":\"token\""), std::string::npos);
    EXPECT_TRUE(audit_->verify(*db_).ok);
}

TEST_F(AccountsTest, RevocationsSurviveARestart) {
    const auto id = createUser("nurse.r", {"nurse"});
    const auto t = accounts_->login("nurse.r", "Good-Pass-123", std::nullopt).token;
    const auto u = accounts_->login("nurse.r", "Good-Pass-123", std::nullopt).token;
    revocations_->logout(verify(u));
    clock_.advanceMs(1);
    UserPatch p;
    p.roles = std::vector<std::string>{"doctor"};
    accounts_->update("staff:admin", id, p);
    // A new process: an empty set, filled from the database at start.
    RevocationSet afterRestart;
    Revocations(*env_, afterRestart).load();
    EXPECT_EQ(afterRestart.size(), 2u);
    TokenVerifier verifier((dir_ / "trust").string(), clock_, "medbox", &afterRestart);
    std::string why;
    EXPECT_FALSE(verifier.verify(t, &why));
    EXPECT_EQ(why, "token was revoked");
    EXPECT_FALSE(verifier.verify(u, &why));
}
