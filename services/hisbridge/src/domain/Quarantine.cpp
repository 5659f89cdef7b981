#include "domain/Quarantine.h"
#include "core/db/Statement.h"
#include "core/error/AppError.h"
#include "core/http/JsonText.h"
#include "domain/HisSender.h"
#include "store/MessageStore.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace medbox::hisbridge {

namespace {

constexpr size_t kMaxReason = 500;

void checkKind(const std::string& kind) {
    if (kind != "hl7" && kind != "his") throw AppError(Err::InvalidField, "kind is hl7 or his", "kind");
}

std::string target(const std::string& kind, int64_t id) { return kind + ":" + std::to_string(id); }

// The failed HL7 message id, if it is in the quarantine (failed, not discarded).
std::optional<store::StoredMessage> quarantinedHl7(db::Connection& c, int64_t id) {
    auto st = c.prepare("SELECT 1 FROM hl7_message WHERE id = ? AND state = 'failed' AND discarded_ms IS NULL");
    st.args(id);
    if (!st.step()) return std::nullopt;
    return store::findMessageById(c, id);
}

// The columns readHis() reads, then a WHERE clause.
std::string hisSelect(const char* where) {
    std::string sql =
        "SELECT id, txn, request_id, answer_code, answer_message, attempts, created_ms, updated_ms, data "
        "FROM his_outgoing ";
    sql.append(where);
    return sql;
}

QuarantineItem readHis(const db::Statement& st, bool withBody) {
    QuarantineItem q;
    q.kind = "his";
    q.id = st.i64(0);
    q.type = st.str(1);
    q.from = "HIS";
    q.key = st.str(2);
    q.reason = st.optStr(3).value_or("") + " " + st.optStr(4).value_or("");
    q.attempts = st.i64(5);
    q.receivedMs = st.i64(6);
    q.updatedMs = st.i64(7);
    if (withBody) q.body = st.str(8);
    return q;
}

std::optional<QuarantineItem> quarantinedHis(db::Connection& c, int64_t id) {
    auto st = c.prepare(hisSelect("WHERE id = ? AND state = 'quarantined'"));
    st.args(id);
    if (!st.step()) return std::nullopt;
    return readHis(st, true);
}

QuarantineItem fromHl7(const store::StoredMessage& m) {
    QuarantineItem q;
    q.kind = "hl7";
    q.id = m.id;
    q.type = m.type;
    q.from = m.sender;
    q.key = m.controlId;
    q.reason = m.errorCode.value_or("") + " " + m.errorText.value_or("");
    q.location = m.errorLocation.value_or("");
    q.attempts = m.attempts;
    q.receivedMs = m.receivedMs;
    q.updatedMs = m.updatedMs;
    q.body = m.body;
    return q;
}

AppError notInQuarantine(const std::string& kind, int64_t id) {
    return AppError(Err::NotFound, "no message " + target(kind, id) + " in the quarantine");
}

Poco::JSON::Object::Ptr detail(std::initializer_list<std::pair<const char*, std::string>> kv) {
    Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
    for (const auto& [k, v] : kv) d->set(k, v);
    return d;
}

}  // namespace

std::vector<QuarantineItem> Quarantine::list(const std::string& actor) const {
    std::vector<QuarantineItem> out;
    env_.db.write([&](db::Tx& tx) {
        out.clear();
        auto& c = tx.conn();
        auto ids = c.prepare(
            "SELECT id FROM hl7_message WHERE state = 'failed' AND discarded_ms IS NULL ORDER BY id LIMIT 500");
        while (ids.step()) {
            auto m = store::findMessageById(c, ids.i64(0));
            if (!m) continue;
            QuarantineItem q = fromHl7(*m);
            q.body.clear();
            out.push_back(q);
        }
        auto st = c.prepare(hisSelect("WHERE state = 'quarantined' ORDER BY id LIMIT 500"));
        while (st.step()) out.push_back(readHis(st, false));
        Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
        d->set("results", static_cast<int64_t>(out.size()));
        env_.effects.auditIn(tx, actor, "hisbridge.quarantine_list", "quarantine", d);
    });
    return out;
}

QuarantineItem Quarantine::get(const std::string& actor, const std::string& kind, int64_t id) const {
    checkKind(kind);
    QuarantineItem q;
    env_.db.write([&](db::Tx& tx) {
        if (kind == "hl7") {
            auto m = quarantinedHl7(tx.conn(), id);
            if (!m) throw notInQuarantine(kind, id);
            q = fromHl7(*m);
        } else {
            auto h = quarantinedHis(tx.conn(), id);
            if (!h) throw notInQuarantine(kind, id);
            q = *h;
        }
        env_.effects.auditIn(tx, actor, "hisbridge.quarantine_view", target(kind, id));
    });
    return q;
}

void Quarantine::correct(const std::string& actor, const std::string& kind, int64_t id, const std::string& body) {
    checkKind(kind);
    if (body.empty()) throw AppError(Err::InvalidField, "body is empty", "body");
    env_.db.write([&](db::Tx& tx) {
        const int64_t now = env_.now();
        if (kind == "hl7") {
            auto m = quarantinedHl7(tx.conn(), id);
            if (!m) throw notInQuarantine(kind, id);
            try {
                inbox_.checkCorrection(*m, body);
            } catch (const AppError& e) {
                // Shown under the text box, with the segment and field at fault.
                throw AppError(Err::InvalidField, (e.field().empty() ? "" : e.field() + ": ") + e.what(), "body");
            }
            tx.prepare("UPDATE hl7_message SET body = ?, updated_ms = ? WHERE id = ?").args(body, now, id).run();
        } else {
            auto h = quarantinedHis(tx.conn(), id);
            if (!h) throw notInQuarantine(kind, id);
            Poco::JSON::Object::Ptr data;
            try {
                data = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
            } catch (const std::exception&) {
                throw AppError(Err::InvalidField, "body is not a JSON object", "body");
            }
            if (!data) throw AppError(Err::InvalidField, "body is not a JSON object", "body");
            const BookingData b = checkBookingData(h->type, data, "body");
            const BookingData was =
                checkBookingData(h->type, Poco::JSON::Parser().parse(h->body).extract<Poco::JSON::Object::Ptr>(), "");
            // The appointment is booking's key for the answer: a correction cannot move it.
            if (b.appointmentId != was.appointmentId)
                throw AppError(Err::InvalidField, "appointmentId must stay " + std::to_string(was.appointmentId),
                               "body.appointmentId");
            tx.prepare("UPDATE his_outgoing SET data = ?, patient_key = ?, updated_ms = ? WHERE id = ?")
                .args(json::text(data), b.patientKey, now, id)
                .run();
        }
        env_.effects.auditIn(tx, actor, "hisbridge.quarantine_correct", target(kind, id));
    });
}

ResendResult Quarantine::resend(const std::string& actor, const std::string& kind, int64_t id) {
    checkKind(kind);
    ResendResult r;
    if (kind == "hl7") {
        auto m = env_.db.read([&](db::Connection& c) { return quarantinedHl7(c, id); });
        if (!m) throw notInQuarantine(kind, id);
        // The same path as the partner's own resend, with the audit row in its transaction.
        inbox_.reapply(*m, actor, [&](db::Tx& tx, const store::StoredMessage& row) {
            r.state = row.state;
            r.reason = row.state == "failed" ? row.errorCode.value_or("") + " " + row.errorText.value_or("") : "";
            env_.effects.auditIn(tx, actor, "hisbridge.quarantine_resend", target(kind, id),
                                 detail({{"result", r.state}}));
        });
        if (r.state.empty()) throw AppError(Err::Unavailable, "the message could not be stored now; try again");
        return r;
    }
    env_.db.write([&](db::Tx& tx) {
        auto h = quarantinedHis(tx.conn(), id);
        if (!h) throw notInQuarantine(kind, id);
        tx.prepare(
              "UPDATE his_outgoing SET state = 'pending', next_ms = ?, updated_ms = ?, handled_by = ? WHERE id = ?")
            .args(env_.now(), env_.now(), actor, id)
            .run();
        env_.effects.auditIn(tx, actor, "hisbridge.quarantine_resend", target(kind, id),
                             detail({{"result", "pending"}}));
        if (env_.wakeHisSender) tx.afterCommit(env_.wakeHisSender);
    });
    r.state = "pending";
    return r;
}

void Quarantine::discard(const std::string& actor, const std::string& kind, int64_t id, const std::string& reason) {
    checkKind(kind);
    if (reason.empty() || reason.size() > kMaxReason)
        throw AppError(Err::InvalidField, "reason: 1 to 500 characters", "reason");
    env_.db.write([&](db::Tx& tx) {
        const int64_t now = env_.now();
        if (kind == "hl7") {
            if (!quarantinedHl7(tx.conn(), id)) throw notInQuarantine(kind, id);
            tx.prepare("UPDATE hl7_message SET discarded_ms = ?, discard_reason = ?, updated_ms = ? WHERE id = ?")
                .args(now, reason, now, id)
                .run();
        } else {
            if (!quarantinedHis(tx.conn(), id)) throw notInQuarantine(kind, id);
            tx.prepare(
                  "UPDATE his_outgoing SET state = 'discarded', handled_by = ?, handled_note = ?, updated_ms = ? "
                  "WHERE id = ?")
                .args(actor, reason, now, id)
                .run();
            // The patient's later messages were waiting behind this one.
            if (env_.wakeHisSender) tx.afterCommit(env_.wakeHisSender);
        }
        env_.effects.auditIn(tx, actor, "hisbridge.quarantine_discard", target(kind, id), detail({{"reason", reason}}));
    });
}

}  // namespace medbox::hisbridge
