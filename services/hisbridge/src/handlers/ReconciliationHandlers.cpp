// HIS downtime: the reconciliation report (admins and schedulers handle,
// auditors read) and the partners' state and figures (docs/hisbridge.md,
// "Downtime and reconciliation", "Metrics").
#include "core/time/IsoTime.h"
#include "domain/PartnerFigures.h"
#include "handlers/Handlers.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace medbox::hisbridge {

namespace {

Poco::Dynamic::Var orNull(const std::optional<std::string>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Poco::JSON::Object::Ptr done(int64_t id, const std::string& state) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("state", state);
    return o;
}

std::string noteOf(Request& rq) {
    const JsonBody b = rq.json();
    b.allowOnly({"note"});
    return b.str("note", 500);
}

}  // namespace

void Handlers::listReconciliation(Request& rq, Reply& rp) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const Conflict& k : reconciliation_.list(rq.actor())) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("id", k.id);
        o->set("appointmentId", k.appointmentId);
        o->set("requestId", k.requestId);
        o->set("state", k.state);
        Poco::JSON::Object::Ptr patient = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        patient->set("name", k.patientName);
        patient->set("documentNumber", k.documentNumber);
        o->set("patient", patient);
        Poco::JSON::Object::Ptr slot = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        slot->set("date", k.date);
        slot->set("session", k.session);
        slot->set("slotStart", k.slotStart);
        slot->set("department", k.department);
        slot->set("doctor", k.doctor);
        o->set("slot", slot);
        Poco::JSON::Object::Ptr his = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        his->set("code", k.hisCode);
        his->set("message", k.hisMessage);
        o->set("his", his);
        o->set("handledBy", orNull(k.handledBy));
        o->set("note", orNull(k.note));
        o->set("createdAt", isoUtcMillis(k.createdMs));
        o->set("updatedAt", isoUtcMillis(k.updatedMs));
        items->add(o);
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("items", items);
    rp.json(body);
}

void Handlers::cancelConflict(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    reconciliation_.cancel(rq.actor(), id, noteOf(rq));
    rp.json(done(id, "cancelled"));
}

void Handlers::resolveConflict(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    reconciliation_.resolve(rq.actor(), id, noteOf(rq));
    rp.json(done(id, "resolved"));
}

void Handlers::resendConflict(Request& rq, Reply& rp) {
    const int64_t id = rq.idParam("id");
    reconciliation_.resend(rq.actor(), id);
    rp.json(done(id, "pending"));
}

void Handlers::listPartners(Request& rq, Reply& rp) {
    (void)rq;
    const auto figures = env_.db.read([&](db::Connection& c) { return partnerFigures(c, env_.config, env_.now()); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& f : figures) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("name", f.name);
        o->set("protocol", f.protocol);
        o->set("up", f.up ? Poco::Dynamic::Var(*f.up) : Poco::Dynamic::Var());
        o->set("downSince", f.downSinceMs ? Poco::Dynamic::Var(isoUtcMillis(*f.downSinceMs)) : Poco::Dynamic::Var());
        o->set("queueDepth", f.queueDepth);
        o->set("oldestAgeSeconds", f.oldestAgeSeconds);
        o->set("messagesPerSecond", f.messagesPerSecond);
        o->set("failures", f.failures);
        items->add(o);
    }
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("items", items);
    rp.json(body);
}

}  // namespace medbox::hisbridge
