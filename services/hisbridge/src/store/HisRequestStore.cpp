#include "store/HisRequestStore.h"

namespace medbox::hisbridge::store {

std::optional<HisRequestRow> findHisRequest(db::Connection& c, const std::string& sender,
                                            const std::string& requestId) {
    auto st = c.prepare(
        "SELECT id, sender, request_id, txn, state, answer_code, answer_message, error_field, charset, peer, "
        "attempts, received_ms, updated_ms, body FROM his_request WHERE sender = ? AND request_id = ?");
    st.args(sender, requestId);
    if (!st.step()) return std::nullopt;
    HisRequestRow r;
    r.id = st.i64(0);
    r.sender = st.str(1);
    r.requestId = st.str(2);
    r.txn = st.str(3);
    r.state = st.str(4);
    r.answerCode = st.str(5);
    r.answerMessage = st.str(6);
    r.errorField = st.optStr(7);
    r.charset = st.str(8);
    r.peer = st.str(9);
    r.attempts = st.i64(10);
    r.receivedMs = st.i64(11);
    r.updatedMs = st.i64(12);
    r.body = st.str(13);
    return r;
}

int64_t saveHisRequest(db::Tx& tx, const HisRequestRow& r) {
    if (r.id == 0) {
        tx.prepare(
              "INSERT INTO his_request (sender, request_id, txn, state, answer_code, answer_message, error_field, "
              "charset, peer, attempts, received_ms, updated_ms, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .args(r.sender, r.requestId, r.txn, r.state, r.answerCode, r.answerMessage, r.errorField, r.charset, r.peer,
                  r.attempts, r.receivedMs, r.updatedMs, r.body)
            .run();
        return tx.lastInsertId();
    }
    tx.prepare(
          "UPDATE his_request SET txn = ?, state = ?, answer_code = ?, answer_message = ?, error_field = ?, "
          "charset = ?, peer = ?, attempts = ?, updated_ms = ?, body = ? WHERE id = ?")
        .args(r.txn, r.state, r.answerCode, r.answerMessage, r.errorField, r.charset, r.peer, r.attempts, r.updatedMs,
              r.body, r.id)
        .run();
    return r.id;
}

}  // namespace medbox::hisbridge::store
