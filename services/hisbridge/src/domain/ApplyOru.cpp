// ORU^R01: lab and imaging results. One report per OBR with the OBX that
// follow it; kept, then queued through the outbox to portal (every report,
// result.available) and to alerting (reports with a critical value,
// result.critical): docs/hisbridge.md, "Messages".
#include "core/error/AppError.h"
#include "domain/Apply.h"
#include "store/ClinicalStore.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace medbox::hisbridge {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// OBX-8 flags that mark a critical value (HL7 table 0078: HH above upper
// panic limit, LL below lower panic limit, AA very abnormal).
bool criticalFlag(const std::string& f) { return f == "HH" || f == "LL" || f == "AA"; }

store::Observation observation(const hl7::Message& m, const hl7::Segment& obx, size_t index) {
    store::Observation o;
    o.valueType = m.value(obx, 2).text;
    o.code = m.value(obx, 3, 1, 1).text;
    o.name = m.value(obx, 3, 1, 2).text;
    if (o.code.empty() && o.name.empty())
        throw AppError(Err::MissingField, "OBX " + std::to_string(index) + " names no observation (OBX-3)", "OBX-3");
    if (o.code.empty()) o.code = o.name;
    // Coded values (CE, CWE) read as their text, else their code; repetitions one per line.
    const bool coded = o.valueType == "CE" || o.valueType == "CWE";
    for (size_t r = 1; r <= m.repetitions(obx, 5); ++r) {
        std::string v = m.value(obx, 5, r, coded ? 2 : 1).text;
        if (coded && v.empty()) v = m.value(obx, 5, r, 1).text;
        o.value += (r > 1 ? "\n" : "") + v;
    }
    o.units = m.value(obx, 6, 1, 1).text;
    o.referenceRange = m.value(obx, 7).text;
    for (size_t r = 1; r <= m.repetitions(obx, 8); ++r) {
        const std::string f = m.value(obx, 8, r, 1).text;
        if (f.empty()) continue;
        o.flags.push_back(f);
        o.critical = o.critical || criticalFlag(f);
    }
    o.status = m.value(obx, 11).text;
    o.observedAt = m.value(obx, 14).text;
    return o;
}

Object::Ptr payload(const store::Report& r, const ApplyContext& c, bool criticalOnly) {
    Object::Ptr p = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    p->set("resultId", r.id);
    p->set("messageId", c.messageId);
    p->set("sender", c.sender);
    p->set("controlId", c.controlId);
    p->set("reportId", r.reportId);
    Object::Ptr service = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    service->set("code", r.serviceCode);
    service->set("name", r.serviceName);
    p->set("service", service);
    p->set("observedAt", r.observedAt);
    p->set("status", r.status);
    Object::Ptr patient = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    const PatientIds ids = patientIds(c.msg);
    patient->set("patientId", ids.patientId ? Poco::Dynamic::Var(*ids.patientId) : Poco::Dynamic::Var());
    patient->set("cardNumber", ids.cardNumber ? Poco::Dynamic::Var(*ids.cardNumber) : Poco::Dynamic::Var());
    patient->set("documentType", ids.documentType ? Poco::Dynamic::Var(*ids.documentType) : Poco::Dynamic::Var());
    patient->set("documentNumber", ids.documentNumber ? Poco::Dynamic::Var(*ids.documentNumber) : Poco::Dynamic::Var());
    p->set("patient", patient);
    p->set("critical", r.critical);
    Array::Ptr obs = new Array;
    for (const auto& o : r.observations) {
        if (criticalOnly && !o.critical) continue;
        Object::Ptr j = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        j->set("code", o.code);
        j->set("name", o.name);
        j->set("valueType", o.valueType);
        j->set("value", o.value);
        j->set("units", o.units);
        j->set("referenceRange", o.referenceRange);
        Array::Ptr flags = new Array;
        for (const auto& f : o.flags) flags->add(f);
        j->set("flags", flags);
        j->set("critical", o.critical);
        j->set("status", o.status);
        j->set("observedAt", o.observedAt);
        obs->add(j);
    }
    p->set("observations", obs);
    return p;
}

}  // namespace

ApplyState applyOru(ApplyContext& c) {
    const hl7::Message& m = c.msg;
    if (!m.find("PID")) throw AppError(Err::MissingField, "ORU needs a PID segment", "PID");
    const PatientIds ids = patientIds(m);
    // Results are found later by visit card or document number (the portal's patients have no HIS id).
    if (!ids.cardNumber && !ids.documentNumber)
        throw AppError(Err::MissingField, "PID-3 holds neither a visit card (CARD) nor an ID number (NNCHN, NI, PPN)",
                       "PID-3");
    std::vector<store::Report> reports;
    size_t obxIndex = 0;
    for (const auto& seg : m.segments()) {
        if (seg.name == "OBR") {
            store::Report r;
            r.messageId = c.messageId;
            r.patientId = ids.patientId;
            r.cardNumber = ids.cardNumber;
            r.idNumber = ids.documentNumber;
            r.reportId = m.value(seg, 3, 1, 1).text;
            if (r.reportId.empty()) r.reportId = m.value(seg, 2, 1, 1).text;
            if (r.reportId.empty())
                throw AppError(Err::MissingField, "OBR has neither a filler (OBR-3) nor a placer (OBR-2) number",
                               "OBR-3");
            r.serviceCode = m.value(seg, 4, 1, 1).text;
            r.serviceName = m.value(seg, 4, 1, 2).text;
            r.observedAt = m.value(seg, 7).text;
            r.status = m.value(seg, 25).text;
            reports.push_back(std::move(r));
        } else if (seg.name == "OBX") {
            ++obxIndex;
            if (reports.empty()) throw AppError(Err::MissingField, "an OBX comes before any OBR", "OBR");
            reports.back().observations.push_back(observation(m, seg, obxIndex));
            reports.back().critical = reports.back().critical || reports.back().observations.back().critical;
        }
    }
    if (reports.empty()) throw AppError(Err::MissingField, "ORU^R01 needs an OBR segment", "OBR");
    for (auto& r : reports) {
        if (r.observations.empty()) throw AppError(Err::MissingField, "report " + r.reportId + " has no OBX", "OBX");
        r.id = store::insertReport(c.tx, r);
        c.env.effects.sendIn(c.tx, "portal", "result.available", payload(r, c, false));
        if (r.critical) c.env.effects.sendIn(c.tx, "alerting", "result.critical", payload(r, c, true));
    }
    return "applied";
}

}  // namespace medbox::hisbridge
