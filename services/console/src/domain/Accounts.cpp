// Accounts: what every use case shares (construction, the user view). The
// use cases are in AccountsSignIn.cpp (sign-in, password, TOTP),
// AccountsAdmin.cpp (user administration) and AccountsBootstrap.cpp (the
// first admin).
#include "domain/Accounts.h"

#include "core/auth/Password.h"
#include "domain/Totp.h"
#include "core/util/Ids.h"

namespace medbox::console {

Accounts::Accounts(ConsoleEnv& env, const TokenIssuer& issuer, Revocations& revocations, RandomBytes random)
    : env_(env),
      issuer_(issuer),
      revocations_(revocations),
      random_(random ? std::move(random) : RandomBytes(ids::randomBytes)),
      dummyHash_(password::hash(totp::base32Encode(random_(20)), env.config.kdf)) {}

UserView Accounts::view(db::Connection& c, UserRecord u) const {
    UserView v;
    if (auto a = store::findAttempts(c, u.username)) v.lockedUntilMs = lockoutIn(c).lockedUntil(*a);
    v.user = std::move(u);
    return v;
}

}  // namespace medbox::console
