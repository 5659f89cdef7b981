#pragma once
// Whether a sending partner (the HIS's P2xx listener) answers: the state
// machine behind HIS-downtime mode (docs/hisbridge.md, "Downtime").
//
//   up --(down_after_failures attempts in a row without an answer, or no
//         answer for down_after_seconds)--> down
//   down --(any answer, whatever its code)--> up
//
// Each transition is written in the caller's transaction with an audit row
// (hisbridge.partner_down / hisbridge.partner_up, actor system:hisbridge) and
// a message to alerting (his.partner_down / his.partner_up). Going down
// marks every pending message as queued during downtime (his_outgoing
// .downtime); coming back makes them all due at once, so the queue drains
// in order without waiting out each backoff.
#include "domain/HisbridgeEnv.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge {

struct PartnerStatus {
    std::string name;
    bool up = true;
    int64_t failures = 0;
    std::optional<int64_t> failingSinceMs, downSinceMs, lastAnswerMs;
    std::optional<std::string> lastError;
    int64_t attemptsTotal = 0, failuresTotal = 0;
};

// The stored state (a partner never tried reads up, no failures).
PartnerStatus partnerStatus(db::Connection& c, const std::string& name);
// Whether the sending partner is marked down now (false without one).
bool sendingPartnerDown(db::Connection& c, const HisbridgeConfig& config);

// An attempt got an answer (acknowledged: 0000). Returns true when this brought the partner back up.
bool recordAnswer(db::Tx& tx, const HisbridgeEnv& env, const std::string& partner, bool acknowledged, int64_t now);
// An attempt got no answer (refused connection, timeout, broken or
// malformed answer). Returns true when this marked the partner down.
bool recordNoAnswer(db::Tx& tx, const HisbridgeEnv& env, const HisbridgeConfig::HisPartner& partner,
                    const std::string& error, int64_t now);

}  // namespace medbox::hisbridge
