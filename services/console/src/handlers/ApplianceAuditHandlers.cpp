// The audit viewer's API (docs/console.md, "Audit viewer"): every service's
// audit log through the console. Parse and validate here (the same rules as
// the services' own /api/v1/system/audit), read in domain/AuditReader.
#include "handlers/Handlers.h"
#include "core/error/AppError.h"

#include <Poco/JSON/Array.h>

#include <future>

namespace medbox::console {

namespace {

constexpr std::size_t kMaxText = 200;

AuditFilter filterFrom(const Request& rq) {
    auto time = [&rq](const std::string& name) -> std::optional<int64_t> {
        const auto us = rq.queryInstantUs(name);
        return us ? std::optional<int64_t>(*us / 1000) : std::nullopt;
    };
    auto text = [&rq](const std::string& name) {
        std::string v = rq.query(name).value_or("");
        if (v.size() > kMaxText) {
            throw AppError(Err::InvalidField, name + ": at most " + std::to_string(kMaxText) + " bytes", name);
        }
        return v;
    };
    AuditFilter f;
    f.afterSeq = rq.queryInt("after", 0, INT64_MAX).value_or(0);
    f.limit = static_cast<int>(rq.queryInt("limit", 1, 1000).value_or(100));
    const std::string order = rq.query("order").value_or("asc");
    if (order != "asc" && order != "desc") throw AppError(Err::InvalidField, "order: asc or desc", "order");
    f.newestFirst = order == "desc";
    f.beforeSeq = rq.queryInt("before", 1, INT64_MAX).value_or(0);
    if (f.beforeSeq != 0 && !f.newestFirst) throw AppError(Err::InvalidField, "before: only with order=desc", "before");
    if (f.afterSeq != 0 && f.newestFirst) throw AppError(Err::InvalidField, "after: only with order=asc", "after");
    f.actor = text("actor");
    f.actionPrefix = text("action");
    f.target = text("target");
    f.text = text("q");
    f.outcome = text("outcome");
    if (!f.outcome.empty() && f.outcome != "ok" && f.outcome != "denied" && f.outcome != "failed")
        throw AppError(Err::InvalidField, "outcome: ok, denied or failed", "outcome");
    f.sinceMs = time("since");
    f.untilMs = time("until");
    if (f.sinceMs && f.untilMs && *f.sinceMs >= *f.untilMs)
        throw AppError(Err::InvalidField, "until: must be later than since", "until");
    return f;
}

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
    const auto f = filterFrom(rq);
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
