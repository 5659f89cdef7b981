#include "domain/StaffSessions.h"
#include "domain/AuditDetail.h"

#include "core/auth/Tokens.h"
#include "core/error/AppError.h"
#include "store/RevocationStore.h"

#include <array>
#include <map>

namespace medbox::console {

namespace {

// What a User-Agent may claim is free text: keep at most this much of a part.
constexpr size_t kMaxPart = 24;

// The version after "Name/" up to the first dot ("Chrome/120.0.1" -> "120").
std::string majorVersion(std::string_view ua, std::string_view name) {
    const auto at = ua.find(name);
    if (at == std::string_view::npos) return {};
    std::string v;
    for (size_t i = at + name.size(); i < ua.size() && v.size() < 6; ++i) {
        const char c = ua[i];
        if (c < '0' || c > '9') break;
        v += c;
    }
    return v;
}

bool has(std::string_view ua, std::string_view s) { return ua.find(s) != std::string_view::npos; }

// Still usable: not past its newest token, and that token not caught by a
// user-wide revocation (password change or reset, disabled, roles changed).
bool alive(db::Connection& c, const SessionRow& s, std::map<std::string, std::optional<int64_t>>& cutoffs) {
    auto it = cutoffs.find(s.username);
    if (it == cutoffs.end()) it = cutoffs.emplace(s.username, store::latestCutoff(c, s.username)).first;
    return !it->second || s.lastIssuedAtMs > *it->second;
}

}  // namespace

std::string shortUserAgent(std::string_view ua) {
    // Order matters: Edge and Opera say "Chrome" too, Chrome says "Safari".
    static const std::array<std::pair<std::string_view, std::string_view>, 6> browsers{{
        {"Edg/", "Edge"},
        {"OPR/", "Opera"},
        {"Firefox/", "Firefox"},
        {"Chromium/", "Chromium"},
        {"Chrome/", "Chrome"},
        {"Version/", "Safari"},
    }};
    std::string browser;
    for (const auto& [token, name] : browsers) {
        if (has(ua, token)) {
            const auto v = majorVersion(ua, token);
            browser = std::string(name) + (v.empty() ? "" : " " + v);
            break;
        }
    }
    if (browser.empty() && has(ua, "HeadlessChrome/")) browser = "Chrome " + majorVersion(ua, "HeadlessChrome/");
    if (browser.empty() && (has(ua, "curl/") || has(ua, "node") || has(ua, "undici"))) browser = "API client";
    std::string system;
    if (has(ua, "Android"))
        system = "Android";
    else if (has(ua, "iPhone") || has(ua, "iPad"))
        system = "iOS";
    else if (has(ua, "Windows"))
        system = "Windows";
    else if (has(ua, "Mac OS X"))
        system = "macOS";
    else if (has(ua, "Linux"))
        system = "Linux";
    std::string out = browser.substr(0, kMaxPart);
    if (!system.empty()) out += (out.empty() ? "" : " · ") + system;
    return out;
}

StaffSessions::StaffSessions(ConsoleEnv& env, Revocations& revocations) : env_(env), revocations_(revocations) {}

void StaffSessions::started(const std::string& username, const Session& s, const ClientInfo& client) {
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const int64_t now = env_.clock.nowMs();
        store::purgeDeadSessions(c, now - kTokenLeewayMs);
        SessionRow row;
        row.username = username;
        row.startedAtMs = row.lastUsedAtMs = now;
        row.address = client.address.substr(0, 64);
        row.userAgent = shortUserAgent(client.userAgent);
        const int64_t id = store::insertSession(c, row);
        store::addSessionToken(c, id, s.tokenId, s.issuedAtMs, s.expiresAtMs);
    });
}

void StaffSessions::continued(const std::string& username, const std::string& previousJti, const Session& s,
                              const ClientInfo& client) {
    bool known = false;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const auto id = previousJti.empty() ? std::nullopt : store::sessionOfToken(c, previousJti);
        if (!id) return;
        known = true;
        store::addSessionToken(c, *id, s.tokenId, s.issuedAtMs, s.expiresAtMs);
        store::touchSession(c, *id, env_.clock.nowMs());
    });
    if (!known) started(username, s, client);
}

void StaffSessions::loggedOut(const std::string& jti) {
    if (jti.empty()) return;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        if (auto id = store::sessionOfToken(c, jti)) store::endSession(c, *id, env_.clock.nowMs(), "logout");
    });
}

std::vector<StaffSessionView> StaffSessions::active(const std::optional<std::string>& onlyOf,
                                                    const std::string& currentJti) {
    return env_.db.read([&](db::Connection& c) {
        const int64_t now = env_.clock.nowMs();
        const auto current = currentJti.empty() ? std::nullopt : store::sessionOfToken(c, currentJti);
        std::map<std::string, std::optional<int64_t>> cutoffs;
        std::vector<StaffSessionView> out;
        for (auto& row : store::openSessions(c, now, onlyOf)) {
            if (!alive(c, row, cutoffs)) continue;
            StaffSessionView v;
            v.current = current && *current == row.id;
            v.row = std::move(row);
            out.push_back(std::move(v));
        }
        return out;
    });
}

StaffSessionView StaffSessions::end(const std::string& actor, int64_t id, const std::optional<std::string>& onlyOf) {
    enum class Outcome { Ok, Missing, NotTheirs } outcome = Outcome::Ok;
    StaffSessionView result;
    env_.db.write([&](db::Tx& tx) {
        auto& c = tx.conn();
        const int64_t now = env_.clock.nowMs();
        auto row = store::findSession(c, id);
        std::map<std::string, std::optional<int64_t>> cutoffs;
        if (!row || row->endedAtMs || row->expiresMs <= now || !alive(c, *row, cutoffs)) {
            outcome = Outcome::Missing;
            return;
        }
        if (onlyOf && row->username != *onlyOf) {
            outcome = Outcome::NotTheirs;
            env_.effects.auditIn(tx, {actor, "session.end", userTarget(row->username), "denied",
                                      detail({{"session", id}, {"reason", "not_own_session"}})});
            return;
        }
        const auto tokens = store::unexpiredTokens(c, id, now - kTokenLeewayMs);
        for (const auto& t : tokens) revocations_.revokeToken(tx, row->username, t.jti, t.expiresMs);
        const bool own = actor == staffActor(row->username);
        store::endSession(c, id, now, own ? "ended_by_user" : "ended_by_admin");
        env_.effects.auditIn(tx, {actor, "session.end", userTarget(row->username), "ok",
                                  detail({{"session", id}, {"tokens", static_cast<int64_t>(tokens.size())}})});
        result.row = *row;
        result.row.endedAtMs = now;
    });
    switch (outcome) {
        case Outcome::Ok: return result;
        case Outcome::Missing: throw AppError(Err::NotFound, "no open session " + std::to_string(id));
        case Outcome::NotTheirs: throw AppError(Err::Forbidden, "only an admin may end another user's session");
    }
    return result;
}

}  // namespace medbox::console
