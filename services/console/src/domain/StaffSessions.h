#pragma once
// Staff sign-in sessions (docs/console.md, "Sessions"): who is signed in,
// since when, last use, from which address and browser; and "end session",
// which revokes every token the session was given by its jti through the
// revocation list, so every service drops it within one poll. A session is
// one sign-in: refreshes and the password change carry it on with new
// tokens. Thread-safe (state in the database); owned by the handlers.
#include "domain/Accounts.h"
#include "domain/ConsoleEnv.h"
#include "domain/Revocations.h"
#include "store/SessionStore.h"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::console {

struct ClientInfo {
    std::string address;
    std::string userAgent;  // as sent; shortened before it is kept
};

struct StaffSessionView {
    SessionRow row;
    bool current = false;  // the caller's own session
};

// "Chrome 120 · Linux" from a User-Agent header: the browser and system
// only (enough to recognise a session, less to keep); "" when unknown.
std::string shortUserAgent(std::string_view ua);

class StaffSessions {
public:
    StaffSessions(ConsoleEnv& env, Revocations& revocations);

    // After a sign-in: a new session with its first token.
    void started(const std::string& username, const Session& s, const ClientInfo& client);
    // After a refresh or a password change: the new token joins the session
    // of the token it replaced; a token from no recorded session starts one.
    void continued(const std::string& username, const std::string& previousJti, const Session& s,
                   const ClientInfo& client);
    // After a logout: that token's session has ended.
    void loggedOut(const std::string& jti);

    // The sessions still usable: everybody's (onlyOf empty) or one user's,
    // newest first; currentJti marks the caller's own.
    std::vector<StaffSessionView> active(const std::optional<std::string>& onlyOf, const std::string& currentJti);

    // Ends session `id`: its unexpired tokens are revoked, the session is
    // marked ended, audited as session.end by actor. onlyOf: the caller may
    // end only this user's sessions (Forbidden otherwise). NotFound when no
    // such session is open.
    StaffSessionView end(const std::string& actor, int64_t id, const std::optional<std::string>& onlyOf);

private:
    ConsoleEnv& env_;
    Revocations& revocations_;
};

}  // namespace medbox::console
