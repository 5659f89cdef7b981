// The console's own audit log, for auditors and admins: /api/v1/audit.
#include "handlers/Handlers.h"
#include "core/audit/AuditRows.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {
constexpr int64_t kMaxPage = 1000;
}  // namespace

void Handlers::listAudit(Request& req, Reply& reply) {
    const int64_t after = req.queryInt("after", 0, INT64_MAX).value_or(0);
    const int64_t limit = req.queryInt("limit", 1, kMaxPage).value_or(100);
    const auto rows = env_.db.read(
        [&](db::Connection& c) { return auditRowsAfter(c, after, static_cast<int>(limit)); });
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& r : rows) arr->add(auditRowJson(r));
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
