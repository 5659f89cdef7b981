// The audit viewer's API (docs/console.md, "Audit viewer"): every service's
// audit log through the console. The filters are parsed by the core's
// auditFilterFrom (the same rules as the services' own
// /api/v1/system/audit), read in domain/AuditReader.
#include "handlers/Handlers.h"
#include "core/audit/AuditQuery.h"
#include "core/error/AppError.h"

#include <Poco/JSON/Array.h>

#include <future>

namespace medbox::console {

namespace {

Poco::JSON::Object::Ptr chainJson(const ChainState& c) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("service", c.service);
    o->set("known", c.known);
    o->set("ok", c.known ? Poco::Dynamic::Var(c.ok) : Poco::Dynamic::Var());
    o->set("rows", c.known ? Poco::Dynamic::Var(c.rows) : Poco::Dynamic::Var());
    const bool broken = c.known && !c.ok;
    o->set("firstBadSeq", broken ? Poco::Dynamic::Var(c.firstBadSeq) : Poco::Dynamic::Var());
    o->set("reason", broken ? Poco::Dynamic::Var(c.reason) : Poco::Dynamic::Var());
    o->set("error", c.known ? Poco::Dynamic::Var() : Poco::Dynamic::Var(c.error));
    return o;
}

}  // namespace

void Handlers::applianceAudit(Request& rq, Reply& rp) {
    const auto service = rq.query("service");
    if (!service || service->empty()) throw AppError(Err::MissingField, "service: required", "service");
    if (service->size() > 32) throw AppError(Err::InvalidField, "service: at most 32 bytes", "service");
    auditReader_.requireKnown(*service);
    const std::string format = rq.query("format").value_or("json");
    if (format != "json" && format != "csv") throw AppError(Err::InvalidField, "format: json or csv", "format");
    const auto f = auditFilterFrom(rq);
    if (format == "csv") {
        const auto csv = auditReader_.csv(*service, f);
        rp.header("Content-Disposition", "attachment; filename=\"" + *service + "-audit.csv\"");
        rp.content("text/csv; charset=utf-8", csv);
        return;
    }
    // The chain first: rows appended between the two reads are then only
    // "not verified yet", never wrongly "intact".
    const auto chain = auditReader_.chain(*service);
    const auto page = auditReader_.page(*service, f);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("service", *service);
    o->set("entries", page.entries);
    o->set("nextAfter", page.nextAfter ? Poco::Dynamic::Var(*page.nextAfter) : Poco::Dynamic::Var());
    o->set("nextBefore", page.nextBefore ? Poco::Dynamic::Var(*page.nextBefore) : Poco::Dynamic::Var());
    o->set("chain", chainJson(chain));
    rp.json(o);
}

void Handlers::auditChains(Request&, Reply& rp) {
    // Side by side, so one service that hangs costs its timeout once, not per service.
    std::vector<std::future<ChainState>> pending;
    for (const auto& s : auditReader_.services()) {
        pending.push_back(
            std::async(std::launch::async, [this, s] { return auditReader_.chain(s, PeerStatus::kTimeoutSeconds); }));
    }
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (auto& p : pending) list->add(chainJson(p.get()));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("chains", list);
    rp.json(o);
}

}  // namespace medbox::console
