// HL7 messages received: searched and read by admins and auditors (interface
// troubleshooting; docs/hisbridge.md, "Access").
#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "handlers/Handlers.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace medbox::hisbridge {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 500;
constexpr size_t kMaxFilterChars = 200;

Poco::Dynamic::Var orNull(const std::optional<std::string>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Object::Ptr view(const store::StoredMessage& m) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", m.id);
    o->set("sender", m.sender);
    o->set("controlId", m.controlId);
    o->set("type", m.type);
    o->set("patientId", orNull(m.patientId));
    o->set("state", m.state);
    o->set("ackCode", m.ackCode);
    if (m.errorCode) {
        Object::Ptr e = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        e->set("code", *m.errorCode);
        e->set("location", orNull(m.errorLocation));
        e->set("message", orNull(m.errorText));
        o->set("error", e);
    } else {
        o->set("error", Poco::Dynamic::Var());
    }
    o->set("charset", m.charset);
    o->set("peer", m.peer);
    o->set("attempts", m.attempts);
    o->set("receivedAt", isoUtcMillis(m.receivedMs));
    o->set("receivedMs", m.receivedMs);
    o->set("updatedAt", isoUtcMillis(m.updatedMs));
    return o;
}

Object::Ptr patientView(const store::Patient& p) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("patientId", p.patientId);
    o->set("cardNumber", orNull(p.cardNumber));
    o->set("idNumber", orNull(p.idNumber));
    o->set("name", orNull(p.name));
    o->set("sex", orNull(p.sex));
    o->set("birthDate", orNull(p.birthDate));
    o->set("phone", orNull(p.phone));
    o->set("updatedAt", isoUtcMillis(p.updatedMs));
    o->set("messageId", p.messageId);
    return o;
}

Object::Ptr reportView(const store::Report& r) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", r.id);
    o->set("reportId", r.reportId);
    o->set("patientId", orNull(r.patientId));
    o->set("cardNumber", orNull(r.cardNumber));
    o->set("idNumber", orNull(r.idNumber));
    o->set("serviceCode", r.serviceCode);
    o->set("serviceName", r.serviceName);
    o->set("observedAt", r.observedAt);
    o->set("status", r.status);
    o->set("critical", r.critical);
    Array::Ptr obs = new Array;
    for (const auto& x : r.observations) {
        Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        j->set("code", x.code);
        j->set("name", x.name);
        j->set("valueType", x.valueType);
        j->set("value", x.value);
        j->set("units", x.units);
        j->set("referenceRange", x.referenceRange);
        Array::Ptr flags = new Array;
        for (const auto& f : x.flags) flags->add(f);
        j->set("flags", flags);
        j->set("critical", x.critical);
        j->set("status", x.status);
        j->set("observedAt", x.observedAt);
        obs->add(j);
    }
    o->set("observations", obs);
    return o;
}

std::optional<std::string> textFilter(const Request& rq, const std::string& name) {
    auto v = rq.query(name);
    if (v && v->empty()) return std::nullopt;
    if (v && v->size() > kMaxFilterChars)
        throw AppError(Err::InvalidField, name + " is longer than " + std::to_string(kMaxFilterChars) + " characters",
                       name);
    return v;
}

}  // namespace

void Handlers::listMessages(Request& rq, Reply& rp) {
    store::MessageQuery q;
    q.patientId = textFilter(rq, "patientId");
    q.controlId = textFilter(rq, "controlId");
    q.type = textFilter(rq, "type");
    q.state = textFilter(rq, "state");
    if (q.state && *q.state != "received" && *q.state != "applied" && *q.state != "failed")
        throw AppError(Err::InvalidField, "state is one of received, applied, failed", "state");
    constexpr int64_t kMax = 253402300800000;  // year 10000
    q.fromMs = rq.queryInt("fromMs", 0, kMax);
    q.toMs = rq.queryInt("toMs", 0, kMax);
    q.beforeId = rq.queryInt("beforeId", 1, INT64_MAX);
    q.limit = static_cast<int>(rq.queryInt("limit", 1, kMaxLimit).value_or(kDefaultLimit));
    const auto found = messages_.search(rq.actor(), q);
    Array::Ptr items = new Array;
    for (const auto& m : found) items->add(view(m));
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("items", items);
    // The next page: beforeId=<this>, while a full page came back.
    body->set("nextBeforeId",
              static_cast<int>(found.size()) == q.limit ? Poco::Dynamic::Var(found.back().id) : Poco::Dynamic::Var());
    rp.json(body);
}

void Handlers::getMessage(Request& rq, Reply& rp) {
    const MessageDetail d = messages_.get(rq.actor(), rq.idParam("id"));
    Object::Ptr o = view(d.message);
    o->set("body", d.message.body);
    o->set("patient", d.patient ? Poco::Dynamic::Var(patientView(*d.patient)) : Poco::Dynamic::Var());
    Array::Ptr reports = new Array;
    for (const auto& r : d.reports) reports->add(reportView(r));
    o->set("reports", reports);
    rp.json(o);
}

}  // namespace medbox::hisbridge
