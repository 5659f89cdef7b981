#pragma once
// SQL of his_request (migrations/0002_his_requests.sql): the inbox of the HIS
// socket interface.
#include "core/db/Database.h"
#include <optional>
#include <string>

namespace medbox::hisbridge::store {

struct HisRequestRow {
    int64_t id = 0;
    std::string sender;
    std::string requestId;
    std::string txn;
    std::string state;  // forwarded, stored, applied, failed
    std::string answerCode;
    std::string answerMessage;
    std::optional<std::string> errorField;
    std::string charset;
    std::string peer;
    int64_t attempts = 1;
    int64_t receivedMs = 0;
    int64_t updatedMs = 0;
    std::string body;
};

std::optional<HisRequestRow> findHisRequest(db::Connection& c, const std::string& sender, const std::string& requestId);
// Inserts r (id 0) or updates the row r.id; returns the id.
int64_t saveHisRequest(db::Tx& tx, const HisRequestRow& r);

}  // namespace medbox::hisbridge::store
