#pragma once
// The quarantine (docs/hisbridge.md, "Quarantine"): messages that failed and
// wait for an admin, never dropped by themselves.
//   - kind "hl7": an HL7 message the bridge could not apply (state failed,
//     answered AE), not discarded;
//   - kind "his": a P201/P202 the HIS answered with a code that is neither
//     success, retry nor refusal (state quarantined; the patient's later
//     messages wait behind it).
// An admin inspects one (the body, audited), corrects it (the new body is
// read by the same parser and checks as on arrival, and kept), resends it
// (applied again / sent again) or discards it with a reason. Every action
// leaves an audit row in the same transaction as the change:
// hisbridge.quarantine_correct, _resend, _discard (target hl7:<id> or
// his:<id>; never the body).
#include "domain/HisbridgeEnv.h"
#include "domain/Hl7Inbox.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge {

struct QuarantineItem {
    std::string kind;  // hl7, his
    int64_t id = 0;
    std::string type;      // ORU^R01, P201, ...
    std::string from;      // hl7: the sender; his: the partner ("HIS")
    std::string key;       // hl7: the control id; his: the request id
    std::string reason;    // why it failed: our error or the HIS's answer
    std::string location;  // hl7: the segment/field at fault
    int64_t attempts = 0;
    int64_t receivedMs = 0, updatedMs = 0;
    std::string body;  // only in get()
};

struct ResendResult {
    std::string state;   // hl7: applied, failed; his: pending (queued again)
    std::string reason;  // hl7 failed again: why
};

class Quarantine {
public:
    Quarantine(HisbridgeEnv& env, Hl7Inbox& inbox) : env_(env), inbox_(inbox) {}

    // Oldest first, without bodies; audited hisbridge.quarantine_list (count).
    std::vector<QuarantineItem> list(const std::string& actor) const;
    // One item with its body (UTF-8 HL7, or the P2xx data as JSON); audited
    // hisbridge.quarantine_view. NotFound when it is not in the quarantine.
    QuarantineItem get(const std::string& actor, const std::string& kind, int64_t id) const;
    // Throws AppError InvalidField (field "body", the parser's message and
    // the segment/field) when the new body does not read; NotFound when it
    // is not in the quarantine.
    void correct(const std::string& actor, const std::string& kind, int64_t id, const std::string& body);
    ResendResult resend(const std::string& actor, const std::string& kind, int64_t id);
    // reason: 1-500 characters (InvalidField "reason").
    void discard(const std::string& actor, const std::string& kind, int64_t id, const std::string& reason);

private:
    HisbridgeEnv& env_;
    Hl7Inbox& inbox_;
};

}  // namespace medbox::hisbridge
