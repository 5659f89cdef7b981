#pragma once
// Ending staff tokens before they expire (docs/security.md, "Revocation").
// The list is the console's token_revocations table; the process's
// RevocationSet mirrors it for the console's own verifier, and the other
// services copy it with list(). An entry is written in the transaction of
// the change that causes it (logout, disabled account, password reset or
// change, role change), with its audit row; the set learns it right after
// the commit. Thread-safe (state in the database and the set); owned by
// ConsoleApp for the process lifetime.
#include "core/auth/Principal.h"
#include "core/auth/RevocationSet.h"
#include "domain/ConsoleEnv.h"
#include "store/RevocationStore.h"
#include <cstdint>
#include <string>
#include <vector>

namespace medbox::console {

struct RevocationPage {
    std::vector<Revocation> entries;
    int64_t nextAfter = 0;   // pass as `after` next time
    int64_t highestSeq = 0;  // the newest entry there is: below the caller's `after`, the list restarted
};

class Revocations {
public:
    Revocations(ConsoleEnv& env, RevocationSet& set);

    // Fills the set from the database (at start, before the console serves).
    void load();

    // Every token of `username` issued until now ends: called inside the
    // transaction of the change (reason: disabled, password_reset,
    // password_change, roles_changed), audited as auth.revoke by `actor`.
    // Returns the cut-off (ms).
    int64_t revokeUser(db::Tx& tx, const std::string& username, const std::string& actor, const std::string& reason);

    // One token ends by its jti (a session an admin or its user ended),
    // inside the transaction of that change; audited by the caller.
    void revokeToken(db::Tx& tx, const std::string& username, const std::string& jti, int64_t expiresMs);

    // POST /auth/logout: the caller's own token ends (audited as auth.logout).
    // A token from before jti existed ends with every older one of its user.
    void logout(const Principal& token);

    // Entries after afterSeq that have not expired, oldest first, at most limit.
    RevocationPage list(int64_t afterSeq, int limit);

    // The iat (whole seconds) for a new token of `username` whose roles
    // were read at claimsReadAtMs, inside a write transaction. A cut-off
    // made before that read, in the same second, must not catch the token:
    // its roles are already the changed ones, but the whole second would
    // fall at or before the cut-off, so it gets the next second. Roles read
    // at or before a cut-off keep their second and are revoked with the rest.
    int64_t issuedAt(db::Connection& c, const std::string& username, int64_t claimsReadAtMs) const;

private:
    // Stores r for `username` (its seq filled in), expired entries dropped
    // first; the in-memory set learns it after the commit.
    void insert(db::Tx& tx, Revocation& r, const std::string& username, int64_t now);

    ConsoleEnv& env_;
    RevocationSet& set_;
};

}  // namespace medbox::console
