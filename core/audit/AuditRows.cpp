#include "core/audit/AuditRows.h"

#include "core/time/IsoTime.h"

#include <Poco/JSON/Parser.h>

namespace medbox {

namespace {

// Detail is JSON text written by our own code; shown as an object when it
// parses, as the raw string otherwise (a row from an older version).
Poco::Dynamic::Var detailValue(const std::string& text) {
    if (text.empty()) return Poco::Dynamic::Var();
    try {
        Poco::JSON::Parser p;
        return p.parse(text);
    } catch (const Poco::Exception&) {
        return Poco::Dynamic::Var(text);
    }
}

std::string csvCell(const std::string& value) {
    std::string v = value;
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
        v.insert(v.begin(), '\'');
    }
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char ch : v) {
        if (ch == '"') out += '"';
        out += ch;
    }
    return out + "\"";
}

}  // namespace

std::vector<AuditRow> auditRows(db::Connection& c, const AuditFilter& f) {
    // Two fixed statements (no SQL built from input): oldest first after a
    // seq, or newest first before one (?10; 0 means from the newest). Joined
    // by the compiler: GCC 12 warns (-Warray-bounds) on std::string + here.
#define MEDBOX_AUDIT_SELECT "SELECT seq, at_ms, actor, action, target, outcome, detail, prev_hash, hash FROM audit_log "
#define MEDBOX_AUDIT_FILTER                                                            \
    "AND (?2 = '' OR actor = ?2) AND (?3 = '' OR substr(action, 1, length(?3)) = ?3) " \
    "AND (?4 = '' OR target = ?4) AND (?5 = '' OR outcome = ?5) "                      \
    "AND (?6 IS NULL OR at_ms >= ?6) AND (?7 IS NULL OR at_ms < ?7) "                  \
    "AND (?9 = '' OR instr(actor, ?9) > 0 OR instr(target, ?9) > 0 OR instr(coalesce(detail, ''), ?9) > 0) "
    static constexpr const char* kOldestFirst = MEDBOX_AUDIT_SELECT "WHERE seq > ?1 AND ?10 >= 0 " MEDBOX_AUDIT_FILTER
                                                                    "ORDER BY seq LIMIT ?8";
    static constexpr const char* kNewestFirst = MEDBOX_AUDIT_SELECT
        "WHERE ?1 >= 0 AND (?10 = 0 OR seq < ?10) " MEDBOX_AUDIT_FILTER "ORDER BY seq DESC LIMIT ?8";
#undef MEDBOX_AUDIT_SELECT
#undef MEDBOX_AUDIT_FILTER
    auto st = c.prepare(f.newestFirst ? kNewestFirst : kOldestFirst);
    st.args(f.afterSeq, f.actor, f.actionPrefix, f.target, f.outcome, f.sinceMs, f.untilMs, int64_t{f.limit}, f.text,
            f.beforeSeq);
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

std::vector<AuditRow> auditRowsAfter(db::Connection& c, int64_t afterSeq, int limit) {
    AuditFilter f;
    f.afterSeq = afterSeq;
    f.limit = limit;
    return auditRows(c, f);
}

Poco::JSON::Object::Ptr auditRowJson(const AuditRow& r) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("seq", r.seq);
    o->set("at", isoUtc(r.atMs));
    o->set("actor", r.actor);
    o->set("action", r.action);
    o->set("target", r.target);
    o->set("outcome", r.outcome);
    o->set("detail", detailValue(r.detail));
    o->set("prevHash", r.prevHash);
    o->set("hash", r.hash);
    return o;
}

std::string auditCsv(const std::vector<AuditRow>& rows) {
    std::string out = "seq,at,actor,action,target,outcome,detail,hash\r\n";
    for (const auto& r : rows) {
        out += std::to_string(r.seq) + "," + isoUtc(r.atMs) + "," + csvCell(r.actor) + "," + csvCell(r.action) + "," +
               csvCell(r.target) + "," + csvCell(r.outcome) + "," + csvCell(r.detail) + "," + csvCell(r.hash) + "\r\n";
    }
    return out;
}

}  // namespace medbox
