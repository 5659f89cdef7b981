#pragma once
// Per-partner figures for the operations page and /metrics (docs/hisbridge.md,
// "Metrics"): queue depth, age of the oldest undelivered message, messages/s
// over the last minute, failures, and (for the HIS) up or down.
//   - protocol "his": the sending partner of the socket interface; its queue
//     is his_outgoing pending or quarantined, its rate the acknowledged
//     requests, its failures the attempts not acknowledged since it was
//     first tried (his_partner);
//   - protocol "hl7": each HL7 sender (MSH-3/MSH-4) with traffic in the last
//     minute or messages in the quarantine; its queue is its failed
//     messages not discarded (waiting for it to resend or an admin), its
//     rate the messages received, its failures that same queue.
#include "core/metrics/Metrics.h"
#include "domain/HisbridgeEnv.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge {

struct PartnerFigures {
    std::string name, protocol;  // protocol: his, hl7
    std::optional<bool> up;      // his only
    std::optional<int64_t> downSinceMs;
    int64_t queueDepth = 0;
    double oldestAgeSeconds = 0;  // 0 when the queue is empty
    double messagesPerSecond = 0;
    int64_t failures = 0;
};

constexpr int64_t kRateWindowMs = 60'000;

std::vector<PartnerFigures> partnerFigures(db::Connection& c, const HisbridgeConfig& config, int64_t now);

// medbox_partner_queue_depth, _oldest_undelivered_seconds, _messages_per_second,
// _failures and medbox_his_partner_up, each labelled {partner, protocol}.
void registerPartnerGauges(Metrics& metrics, HisbridgeEnv& env);

}  // namespace medbox::hisbridge
