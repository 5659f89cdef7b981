#include "domain/Reconciliation.h"
#include "core/db/Statement.h"
#include "core/error/AppError.h"
#include "core/log/Mask.h"
#include "domain/HisSender.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace medbox::hisbridge {

namespace {

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && !o->isNull(key) ? o->getValue<std::string>(key) : std::string();
}

Poco::JSON::Object::Ptr obj(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) ? o->getObject(key) : nullptr;
}

struct Open {
    std::string requestId, code, message, data;
    int64_t appointmentId = 0;
};

Open openConflict(db::Connection& c, int64_t id) {
    auto st = c.prepare(
        "SELECT request_id, answer_code, answer_message, data, appointment_id, state FROM his_outgoing WHERE id = ?");
    st.args(id);
    if (!st.step()) throw AppError(Err::NotFound, "no reconciliation item " + std::to_string(id));
    if (st.str(5) != "conflict")
        throw AppError(Err::Conflict, "item " + std::to_string(id) + " is " + st.str(5) + ", not an open conflict");
    return Open{st.str(0), st.optStr(1).value_or(""), st.optStr(2).value_or(""), st.str(3), st.i64(4)};
}

void checkNote(const std::string& note) {
    if (note.empty() || note.size() > 500) throw AppError(Err::InvalidField, "note: 1 to 500 characters", "note");
}

}  // namespace

std::vector<Conflict> Reconciliation::list(const std::string& actor) const {
    std::vector<Conflict> out;
    env_.db.write([&](db::Tx& tx) {
        out.clear();
        // Handled rows are those that were conflicts: cancelled/resolved only come from there.
        // Open ones first (oldest first), then the latest handled.
        auto st = tx.conn().prepare(
            "SELECT id, appointment_id, request_id, state, data, answer_code, answer_message, handled_by, "
            "handled_note, created_ms, updated_ms FROM his_outgoing WHERE state IN ('conflict', 'cancelled', "
            "'resolved') ORDER BY state <> 'conflict', CASE WHEN state = 'conflict' THEN id ELSE -updated_ms END "
            "LIMIT 500");
        while (st.step()) {
            Conflict k;
            k.id = st.i64(0);
            k.appointmentId = st.i64(1);
            k.requestId = st.str(2);
            k.state = st.str(3);
            Poco::JSON::Object::Ptr d;
            try {
                d = Poco::JSON::Parser().parse(st.str(4)).extract<Poco::JSON::Object::Ptr>();
            } catch (const std::exception&) {
                d = nullptr;  // stored by acceptBookingMessage as valid JSON; shown without slot if not
            }
            const auto patient = obj(d, "patient");
            k.patientName = mask::name(str(patient, "name"));
            k.documentNumber = mask::idNumber(str(patient, "documentNumber"));
            k.date = str(d, "date");
            k.session = str(d, "session");
            k.slotStart = str(d, "slotStart");
            k.department = str(obj(d, "department"), "name");
            k.doctor = str(obj(d, "doctor"), "name");
            k.hisCode = st.optStr(5).value_or("");
            k.hisMessage = st.optStr(6).value_or("");
            k.handledBy = st.optStr(7);
            k.note = st.optStr(8);
            k.createdMs = st.i64(9);
            k.updatedMs = st.i64(10);
            out.push_back(k);
        }
        Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
        d->set("results", static_cast<int64_t>(out.size()));
        env_.effects.auditIn(tx, actor, "hisbridge.reconcile_list", "reconciliation", d);
    });
    return out;
}

void Reconciliation::cancel(const std::string& actor, int64_t id, const std::string& note) {
    checkNote(note);
    env_.db.write([&](db::Tx& tx) {
        const Open o = openConflict(tx.conn(), id);
        tx.prepare(
              "UPDATE his_outgoing SET state = 'cancelled', handled_by = ?, handled_note = ?, updated_ms = ? "
              "WHERE id = ?")
            .args(actor, note, env_.now(), id)
            .run();
        // The refusal path: booking reverses it, the portal tells the patient what the HIS said.
        queueRefusal(tx, env_, o.requestId, o.appointmentId, o.code, o.message, o.data);
        Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
        d->set("note", note);
        env_.effects.auditIn(tx, actor, "hisbridge.reconcile_cancel", "his:" + std::to_string(id), d);
    });
}

void Reconciliation::resolve(const std::string& actor, int64_t id, const std::string& note) {
    checkNote(note);
    env_.db.write([&](db::Tx& tx) {
        openConflict(tx.conn(), id);
        tx.prepare(
              "UPDATE his_outgoing SET state = 'resolved', handled_by = ?, handled_note = ?, updated_ms = ? "
              "WHERE id = ?")
            .args(actor, note, env_.now(), id)
            .run();
        Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
        d->set("note", note);
        env_.effects.auditIn(tx, actor, "hisbridge.reconcile_resolve", "his:" + std::to_string(id), d);
    });
}

void Reconciliation::resend(const std::string& actor, int64_t id) {
    env_.db.write([&](db::Tx& tx) {
        openConflict(tx.conn(), id);
        // Still marked downtime: if the HIS refuses again it comes back to the report.
        tx.prepare(
              "UPDATE his_outgoing SET state = 'pending', next_ms = ?, handled_by = ?, updated_ms = ? WHERE id = ?")
            .args(env_.now(), actor, env_.now(), id)
            .run();
        env_.effects.auditIn(tx, actor, "hisbridge.reconcile_resend", "his:" + std::to_string(id));
        if (env_.wakeHisSender) tx.afterCommit(env_.wakeHisSender);
    });
}

}  // namespace medbox::hisbridge
