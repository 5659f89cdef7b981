#pragma once
// The fixture of the account tests (AccountsTest, PasswordRulesTest,
// StaffSessionsTest): a real console database in a temporary folder, a
// manual clock, a token issuer and verifier over a fresh key pair, cheap KDF
// parameters, the bootstrap admin; helpers to create users and read audit rows.
#include "domain/Accounts.h"
#include "domain/RoleCatalog.h"
#include "console/EmbeddedFiles.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

namespace medbox::console::testenv {

// Cheap enough for dozens of hashes per test, still a real scrypt.
constexpr password::Params kFast{1 << 10, 8, 1};
inline const std::string kAdminPw = "Admin-Pass-2026";

class AccountsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = tmp_.path();
        std::filesystem::create_directories(dir_ / "trust");
        keys::ensureKeyPair((dir_ / "console.key.pem").string(), (dir_ / "trust" / "console.pub.pem").string());
        issuer_ = std::make_unique<TokenIssuer>((dir_ / "console.key.pem").string(), "console", clock_);
        verifier_ = std::make_unique<TokenVerifier>((dir_ / "trust").string(), clock_, "medbox", &revoked_);
        db::Options o;
        o.path = (dir_ / "console.db").string();
        db_ = std::make_unique<db::Database>(o, db::migrationsFrom(console::embeddedFiles()));
        audit_ = std::make_unique<AuditLog>(clock_, (dir_ / "console.db.audit-head").string());
        config_.kdf = kFast;
        config_.bootstrapAdminPassword = kAdminPw;
        makeAccounts();
        ASSERT_TRUE(accounts_->bootstrap(dir_.string()).created);
    }

    void TearDown() override {
        // Close the database before TempDir removes its folder.
        accounts_.reset();
        revocations_.reset();
        env_.reset();
        db_.reset();
    }

    void makeAccounts() {
        accounts_.reset();
        revocations_.reset();
        env_ = std::make_unique<ConsoleEnv>(*db_, clock_, *audit_, config_);
        revocations_ = std::make_unique<Revocations>(*env_, revoked_);
        accounts_ = std::make_unique<Accounts>(*env_, *issuer_, *revocations_);
    }

    // Why the console's verifier refuses a token ("" when it accepts it).
    std::string refusal(const std::string& token) {
        std::string why;
        return verifier_->verify(token, &why) ? std::string() : why;
    }

    int64_t createUser(const std::string& name, std::vector<std::string> roles, const std::string& pw = "Good-Pass-123",
                       bool mustChange = false) {
        NewUser u;
        u.username = name;
        u.displayName = "User " + name;
        u.password = pw;
        u.roles = std::move(roles);
        u.mustChangePassword = mustChange;
        return accounts_->create("staff:admin", u).user.id;
    }

    Principal verify(const std::string& token) {
        std::string why;
        auto p = verifier_->verify(token, &why);
        EXPECT_TRUE(p.has_value()) << why;
        return p.value_or(Principal{});
    }

    // Runs f, expecting AppError err; returns its field.
    template <class F>
    std::string expectError(Err err, F&& f) {
        try {
            f();
        } catch (const AppError& e) {
            EXPECT_EQ(static_cast<int>(e.err()), static_cast<int>(err)) << e.what();
            return e.field();
        }
        ADD_FAILURE() << "no AppError thrown";
        return "<none>";
    }

    int64_t auditCount(const std::string& action, const std::string& outcome) {
        return db_->read([&](db::Connection& c) {
            auto st = c.prepare("SELECT COUNT(*) FROM audit_log WHERE action = ? AND outcome = ?");
            st.args(action, outcome);
            st.step();
            return st.i64(0);
        });
    }

    std::string allAuditText() {
        return db_->read([&](db::Connection& c) {
            std::string all;
            auto st = c.prepare(
                "SELECT actor || ' ' || action || ' ' || target || ' ' || COALESCE(detail, '') FROM audit_log");
            while (st.step()) all += st.str(0) + "\n";
            return all;
        });
    }

    testutil::TempDir tmp_;
    std::filesystem::path dir_;
    ManualClock clock_;
    ConsoleConfig config_;
    RevocationSet revoked_;  // what the console's verifier refuses
    std::unique_ptr<TokenIssuer> issuer_;
    std::unique_ptr<TokenVerifier> verifier_;
    std::unique_ptr<db::Database> db_;
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<ConsoleEnv> env_;
    std::unique_ptr<Revocations> revocations_;
    std::unique_ptr<Accounts> accounts_;
};

}  // namespace medbox::console::testenv
