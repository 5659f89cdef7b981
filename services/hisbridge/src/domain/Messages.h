#pragma once
// Reading the inbox of HL7 messages for staff (GET /api/v1/messages): search
// by patient id, control id, type, state and time, and one message with what
// applying it produced. Messages hold patient data: every search and every
// message read leaves an audit row (hisbridge.message_search with the
// filters used and the count, hisbridge.message_view with the message id),
// as booking audits reading an appointment. One object per service, no
// state of its own.
#include "domain/HisbridgeEnv.h"
#include "store/ClinicalStore.h"
#include "store/MessageStore.h"
#include <vector>

namespace medbox::hisbridge {

struct MessageDetail {
    store::StoredMessage message;
    std::optional<store::Patient> patient;  // ADT: the patient as it is now
    std::vector<store::Report> reports;     // ORU: the reports it produced
};

class Messages {
public:
    explicit Messages(HisbridgeEnv& env) : env_(env) {}
    // actor: the audit actor ("staff:alice").
    std::vector<store::StoredMessage> search(const std::string& actor, const store::MessageQuery& q) const;
    // AppError NotFound when there is no such message (not audited: nothing was read).
    MessageDetail get(const std::string& actor, int64_t id) const;

private:
    HisbridgeEnv& env_;
};

}  // namespace medbox::hisbridge
