// Accounts, first start: the first admin account, with the configured
// password or a random one written to a file only the console's user reads.
#include "domain/Accounts.h"
#include "domain/AuditDetail.h"

#include "core/auth/Password.h"
#include "domain/AccountRules.h"
#include "core/util/Files.h"

#include <stdexcept>
#include <string_view>

namespace medbox::console {

namespace {

constexpr const char* kAdminRole = "admin";
constexpr const char* kBootstrapUser = "admin";

}  // namespace

std::string Accounts::randomPassword() const {
    // 5 groups of 5 from an alphabet without look-alikes (0/O, 1/l/I): about
    // 140 bits, readable off a screen, and it has every character class.
    static constexpr std::string_view upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    static constexpr std::string_view lower = "abcdefghijkmnopqrstuvwxyz";
    static constexpr std::string_view digits = "23456789";
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string bytes = random_(25);
        std::string pw;
        for (size_t i = 0; i < bytes.size(); ++i) {
            if (i > 0 && i % 5 == 0) pw += '-';
            const auto b = static_cast<unsigned char>(bytes[i]);
            const std::string_view set = (i % 5 == 0) ? upper : (i % 5 == 4) ? digits : lower;
            pw += set[b % set.size()];
        }
        if (rules::checkNewPassword(pw, kBootstrapUser).empty()) return pw;
    }
    throw std::runtime_error("could not generate an initial admin password that satisfies the password policy");
}

BootstrapResult Accounts::bootstrap(const std::string& dataDir) {
    BootstrapResult r;
    initialPasswordFile_ = dataDir + "/console-initial-admin.txt";
    const bool empty = env_.db.read([&](db::Connection& c) { return store::countUsers(c) == 0; });
    if (!empty) return r;
    std::string pw = env_.config.bootstrapAdminPassword;
    r.randomPassword = pw.empty();
    if (r.randomPassword) {
        pw = randomPassword();
        r.file = initialPasswordFile_;
        // Written before the account exists: if the commit then fails, the
        // next start makes a new password and overwrites the file.
        files::writeAtomically(r.file,
                               "user: admin\npassword: " + pw +
                                   "\n# The password must be changed at first login; this file goes away then.\n",
                               0600);
    }
    const std::string hash = password::hash(pw, env_.config.kdf);
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (store::countUsers(c) != 0) return;  // another start won the race
        const int64_t now = env_.clock.nowMs();
        UserRecord u;
        u.username = kBootstrapUser;
        u.displayName = "Administrator";
        u.passwordHash = hash;
        u.roles = {kAdminRole};
        u.mustChangePassword = r.randomPassword;
        u.createdAtMs = u.updatedAtMs = u.passwordChangedAtMs = now;
        u.id = store::insertUser(c, u);
        env_.effects.auditIn(tx, {"system", "user.bootstrap", userTarget(u.username), "ok",
                                  detail({{"id", u.id}, {"randomPassword", r.randomPassword}})});
        r.created = true;
    });
    return r;
}

}  // namespace medbox::console
