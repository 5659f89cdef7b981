#pragma once
// Reading the socket interface's traffic for staff (GET /api/v1/his/messages):
// requests the HIS sent (his_request) and what medbox sends it
// (his_outgoing), searched by request id, txn, state and time, without their
// bodies. Every search leaves an audit row (hisbridge.his_search: direction,
// the filters used, the count; never a value), as message searches do.
#include "domain/HisbridgeEnv.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge {

struct HisMessageQuery {
    std::string direction = "in";  // in: from the HIS; out: to the HIS
    std::optional<std::string> requestId, txn, state;
    std::optional<int64_t> fromMs, toMs, beforeId;
    int limit = 50;
};

struct HisMessageRow {
    int64_t id = 0;
    std::string direction, requestId, txn, state;
    std::optional<std::string> answerCode, answerMessage, error;  // error: 1003's field (in), last error (out)
    std::string peerOrPatient;  // in: the sender; out: not shown (the patient key is personal data)
    int64_t attempts = 0;
    int64_t createdMs = 0, updatedMs = 0;
};

// Newest first. actor: the audit actor.
std::vector<HisMessageRow> searchHisMessages(HisbridgeEnv& env, const std::string& actor, const HisMessageQuery& q);

// One request with its body (in: the request as received, UTF-8; out: the
// P2xx data), audited hisbridge.his_view (target his_in:<id> / his:<id>).
// NotFound when there is none.
struct HisMessageDetail {
    HisMessageRow row;
    std::string body;
};
HisMessageDetail readHisMessage(HisbridgeEnv& env, const std::string& actor, const std::string& direction, int64_t id);

}  // namespace medbox::hisbridge
