#include "store/AuditStore.h"

namespace medbox::console::store {

std::vector<AuditRow> auditRowsAfter(db::Connection& c, int64_t afterSeq, int limit) {
    auto st = c.prepare(
        "SELECT seq, at_ms, actor, action, target, outcome, detail, prev_hash, hash FROM audit_log "
        "WHERE seq > ? ORDER BY seq LIMIT ?");
    st.args(afterSeq, int64_t{limit});
    std::vector<AuditRow> out;
    while (st.step()) {
        AuditRow r;
        r.seq = st.i64(0);
        r.atMs = st.i64(1);
        r.actor = st.str(2);
        r.action = st.str(3);
        r.target = st.str(4);
        r.outcome = st.str(5);
        r.detail = st.optStr(6).value_or("");
        r.prevHash = st.str(7);
        r.hash = st.str(8);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace medbox::console::store
