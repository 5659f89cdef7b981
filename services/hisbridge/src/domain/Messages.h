#pragma once
// Reading the inbox of HL7 messages for staff (GET /api/v1/messages): search
// by patient id, control id, type, state and time, and one message with what
// applying it produced. One object per service, no state of its own.
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
    std::vector<store::StoredMessage> search(const store::MessageQuery& q) const;
    // AppError NotFound when there is no such message.
    MessageDetail get(int64_t id) const;

private:
    HisbridgeEnv& env_;
};

}  // namespace medbox::hisbridge
