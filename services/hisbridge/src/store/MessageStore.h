#pragma once
// SQL of hl7_message (migrations/0001_create_schema.sql): the inbox of HL7 messages.
#include "core/db/Database.h"
#include <optional>
#include <string>
#include <vector>

namespace medbox::hisbridge::store {

struct StoredMessage {
    int64_t id = 0;
    std::string sender;
    std::string controlId;
    std::string type;
    std::optional<std::string> patientId;
    std::string state;  // received, applied, failed
    std::string ackCode;
    std::optional<std::string> errorCode, errorLocation, errorText;
    std::string charset;
    std::string peer;
    int64_t attempts = 1;
    int64_t receivedMs = 0;
    int64_t updatedMs = 0;
    std::string body;  // empty in search results
};

std::optional<StoredMessage> findMessage(db::Connection& c, const std::string& sender, const std::string& controlId);
std::optional<StoredMessage> findMessageById(db::Connection& c, int64_t id);
// Returns the new id.
int64_t insertMessage(db::Tx& tx, const StoredMessage& m);
// State, answer, error, attempts, peer, body and patient of message m.id; a
// message tried again is no longer discarded (a new failure is quarantined anew).
void updateOutcome(db::Tx& tx, const StoredMessage& m);

struct MessageQuery {
    std::optional<std::string> patientId, controlId, state, type;
    std::optional<int64_t> fromMs, toMs;  // received_ms in [from, to)
    std::optional<int64_t> beforeId;      // the next page: ids below this
    int limit = 50;
};
// Newest first, without the body.
std::vector<StoredMessage> searchMessages(db::Connection& c, const MessageQuery& q);

}  // namespace medbox::hisbridge::store
