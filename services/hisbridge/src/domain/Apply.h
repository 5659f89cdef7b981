#pragma once
// Applying a parsed HL7 message inside the inbox's transaction (Hl7Inbox):
// ADT^A04/A08 register or update a patient, ORU^R01 keeps results and
// queues them to portal and alerting, SIU is kept for a later step. Each
// throws AppError (field "PID-3", "OBX-3"...) for content it cannot apply;
// the inbox then rolls its work back and answers AE. docs/hl7.md.
#include "core/db/Database.h"
#include "domain/HisbridgeEnv.h"
#include "hl7/Message.h"
#include <optional>
#include <string>

namespace medbox::hisbridge {

// The identifiers of PID-3 by their type (CX-5): the HIS's own id (PI, MR,
// PT, else the first repetition), the visit card (CARD) and the document
// (NNCHN or NI: a resident ID; PPN: a passport).
struct PatientIds {
    std::optional<std::string> patientId, cardNumber, documentType, documentNumber;
};
PatientIds patientIds(const hl7::Message& m);

// What applying left: "applied", or "received" for a message that is only kept.
using ApplyState = std::string;

struct ApplyContext {
    db::Tx& tx;
    const HisbridgeEnv& env;
    const hl7::Message& msg;
    int64_t messageId;   // hl7_message.id
    std::string sender;  // "LIS/HOSP01"
    std::string controlId;
    int64_t nowMs;
};

ApplyState applyAdt(ApplyContext& c);  // A04, A08
ApplyState applyOru(ApplyContext& c);  // R01
ApplyState applySiu(ApplyContext& c);  // S12-S15, S26

}  // namespace medbox::hisbridge
