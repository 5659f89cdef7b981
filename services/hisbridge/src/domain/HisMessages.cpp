#include "domain/HisMessages.h"
#include "core/db/Statement.h"
#include "core/error/AppError.h"
#include <Poco/JSON/Array.h>

namespace medbox::hisbridge {

namespace {

const char* kInColumns =
    "SELECT id, request_id, txn, state, answer_code, answer_message, error_field, sender, attempts, received_ms, "
    "updated_ms, body FROM his_request";
const char* kOutColumns =
    "SELECT id, request_id, txn, state, answer_code, answer_message, last_error, '', attempts, created_ms, "
    "updated_ms, data FROM his_outgoing";

HisMessageRow readRow(const db::Statement& st, const std::string& direction) {
    HisMessageRow r;
    r.id = st.i64(0);
    r.direction = direction;
    r.requestId = st.str(1);
    r.txn = st.str(2);
    r.state = st.str(3);
    r.answerCode = st.optStr(4);
    r.answerMessage = st.optStr(5);
    r.error = st.optStr(6);
    r.peerOrPatient = st.str(7);
    r.attempts = st.i64(8);
    r.createdMs = st.i64(9);
    r.updatedMs = st.i64(10);
    return r;
}

}  // namespace

HisMessageDetail readHisMessage(HisbridgeEnv& env, const std::string& actor, const std::string& direction, int64_t id) {
    const bool in = direction == "in";
    HisMessageDetail d;
    env.db.write([&](db::Tx& tx) {
        std::string sql = in ? kInColumns : kOutColumns;
        sql.append(" WHERE id = ?");
        auto st = tx.conn().prepare(sql);
        st.args(id);
        if (!st.step()) throw AppError(Err::NotFound, "no such request");
        d.row = readRow(st, direction);
        d.body = st.str(11);
        env.effects.auditIn(tx, actor, "hisbridge.his_view", (in ? "his_in:" : "his:") + std::to_string(id));
    });
    return d;
}

std::vector<HisMessageRow> searchHisMessages(HisbridgeEnv& env, const std::string& actor, const HisMessageQuery& q) {
    const bool in = q.direction == "in";
    std::string sql = in ? kInColumns : kOutColumns;
    sql.append(" WHERE 1 = 1");
    const std::string timeColumn = in ? "received_ms" : "created_ms";
    if (q.requestId) sql += " AND request_id = ?";
    if (q.txn) sql += " AND txn = ?";
    if (q.state) sql += " AND state = ?";
    if (q.fromMs) sql += " AND " + timeColumn + " >= ?";
    if (q.toMs) sql += " AND " + timeColumn + " < ?";
    if (q.beforeId) sql += " AND id < ?";
    sql += " ORDER BY id DESC LIMIT ?";
    std::vector<HisMessageRow> out;
    // The read and its audit row in one transaction: no search goes unrecorded.
    env.db.write([&](db::Tx& tx) {
        out.clear();
        auto st = tx.conn().prepare(sql);
        int i = 1;
        if (q.requestId) st.bind(i++, *q.requestId);
        if (q.txn) st.bind(i++, *q.txn);
        if (q.state) st.bind(i++, *q.state);
        if (q.fromMs) st.bind(i++, *q.fromMs);
        if (q.toMs) st.bind(i++, *q.toMs);
        if (q.beforeId) st.bind(i++, *q.beforeId);
        st.bind(i, q.limit);
        while (st.step()) out.push_back(readRow(st, q.direction));
        Poco::JSON::Array::Ptr filters = new Poco::JSON::Array;
        for (const auto& [name, used] : {std::pair{"requestId", q.requestId.has_value()},
                                         {"txn", q.txn.has_value()},
                                         {"state", q.state.has_value()},
                                         {"fromMs", q.fromMs.has_value()},
                                         {"toMs", q.toMs.has_value()}})
            if (used) filters->add(name);
        Poco::JSON::Object::Ptr detail = new Poco::JSON::Object;
        detail->set("direction", q.direction);
        detail->set("filters", filters);
        detail->set("results", static_cast<int64_t>(out.size()));
        env.effects.auditIn(tx, actor, "hisbridge.his_search", "his_messages", detail);
    });
    return out;
}

}  // namespace medbox::hisbridge
