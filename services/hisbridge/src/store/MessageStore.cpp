#include "store/MessageStore.h"

namespace medbox::hisbridge::store {

namespace {

const char* kColumns =
    "SELECT id, sender, control_id, type, patient_id, state, ack_code, error_code, error_location, error_text, "
    "charset, peer, attempts, received_ms, updated_ms ";

StoredMessage readMessage(const db::Statement& st, bool withBody) {
    StoredMessage m;
    m.id = st.i64(0);
    m.sender = st.str(1);
    m.controlId = st.str(2);
    m.type = st.str(3);
    m.patientId = st.optStr(4);
    m.state = st.str(5);
    m.ackCode = st.str(6);
    m.errorCode = st.optStr(7);
    m.errorLocation = st.optStr(8);
    m.errorText = st.optStr(9);
    m.charset = st.str(10);
    m.peer = st.str(11);
    m.attempts = st.i64(12);
    m.receivedMs = st.i64(13);
    m.updatedMs = st.i64(14);
    if (withBody) m.body = st.str(15);
    return m;
}

}  // namespace

std::optional<StoredMessage> findMessage(db::Connection& c, const std::string& sender, const std::string& controlId) {
    auto st = c.prepare(std::string(kColumns) + ", body FROM hl7_message WHERE sender = ? AND control_id = ?");
    st.args(sender, controlId);
    if (!st.step()) return std::nullopt;
    return readMessage(st, true);
}

std::optional<StoredMessage> findMessageById(db::Connection& c, int64_t id) {
    auto st = c.prepare(std::string(kColumns) + ", body FROM hl7_message WHERE id = ?");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readMessage(st, true);
}

int64_t insertMessage(db::Tx& tx, const StoredMessage& m) {
    tx.prepare(
          "INSERT INTO hl7_message (sender, control_id, type, patient_id, state, ack_code, error_code, "
          "error_location, error_text, charset, peer, attempts, received_ms, updated_ms, body) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .args(m.sender, m.controlId, m.type, m.patientId, m.state, m.ackCode, m.errorCode, m.errorLocation, m.errorText,
              m.charset, m.peer, m.attempts, m.receivedMs, m.updatedMs, m.body)
        .run();
    return tx.lastInsertId();
}

void updateOutcome(db::Tx& tx, const StoredMessage& m) {
    tx.prepare(
          "UPDATE hl7_message SET state = ?, ack_code = ?, error_code = ?, error_location = ?, error_text = ?, "
          "attempts = ?, updated_ms = ?, peer = ?, body = ?, patient_id = ?, discarded_ms = NULL, discard_reason = "
          "NULL "
          "WHERE id = ?")
        .args(m.state, m.ackCode, m.errorCode, m.errorLocation, m.errorText, m.attempts, m.updatedMs, m.peer, m.body,
              m.patientId, m.id)
        .run();
}

std::vector<StoredMessage> searchMessages(db::Connection& c, const MessageQuery& q) {
    std::string sql = std::string(kColumns) + "FROM hl7_message WHERE 1 = 1";
    if (q.patientId) sql += " AND patient_id = ?";
    if (q.controlId) sql += " AND control_id = ?";
    if (q.state) sql += " AND state = ?";
    if (q.type) sql += " AND type = ?";
    if (q.fromMs) sql += " AND received_ms >= ?";
    if (q.toMs) sql += " AND received_ms < ?";
    if (q.beforeId) sql += " AND id < ?";
    sql += " ORDER BY id DESC LIMIT ?";
    auto st = c.prepare(sql);
    int i = 1;
    if (q.patientId) st.bind(i++, *q.patientId);
    if (q.controlId) st.bind(i++, *q.controlId);
    if (q.state) st.bind(i++, *q.state);
    if (q.type) st.bind(i++, *q.type);
    if (q.fromMs) st.bind(i++, *q.fromMs);
    if (q.toMs) st.bind(i++, *q.toMs);
    if (q.beforeId) st.bind(i++, *q.beforeId);
    st.bind(i, q.limit);
    std::vector<StoredMessage> out;
    while (st.step()) out.push_back(readMessage(st, false));
    return out;
}

}  // namespace medbox::hisbridge::store
