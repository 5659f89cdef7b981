// The console's own audit log, for auditors and admins: /api/v1/audit.
#include "handlers/Handlers.h"
#include "store/AuditStore.h"
#include "core/time/IsoTime.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace medbox::console {

namespace {
constexpr int64_t kMaxPage = 1000;

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
}  // namespace

void Handlers::listAudit(Request& req, Reply& reply) {
    const int64_t after = req.queryInt("after", 0, INT64_MAX).value_or(0);
    const int64_t limit = req.queryInt("limit", 1, kMaxPage).value_or(100);
    const auto rows = env_.db.read(
        [&](db::Connection& c) { return store::auditRowsAfter(c, after, static_cast<int>(limit)); });
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& r : rows) {
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
        arr->add(o);
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("entries", arr);
    out->set("nextAfter", rows.empty() ? Poco::Dynamic::Var(after) : Poco::Dynamic::Var(rows.back().seq));
    reply.json(out);
}

void Handlers::verifyAudit(Request&, Reply& reply) {
    const auto r = env_.audit.verify(env_.db);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("ok", r.ok);
    o->set("rows", r.rows);
    o->set("firstBadSeq", r.ok ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.firstBadSeq));
    o->set("reason", r.ok ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.reason));
    reply.json(o);
}

}  // namespace medbox::console
