// The revoked staff tokens, for the other services' pollers
// (core/auth/RevocationPoller.h): /api/v1/auth/revocations.
#include "handlers/Handlers.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>

namespace medbox::console {

namespace {
// A page the pollers read in one go; they ask again with nextAfter for more.
constexpr int kPage = 1000;
}  // namespace

void Handlers::listRevocations(Request& req, Reply& reply) {
    const int64_t after = req.queryInt("after", 0, INT64_MAX).value_or(0);
    const auto page = revocations_.list(after, kPage);
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& r : page.entries) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("seq", r.seq);
        if (r.kind == Revocation::Kind::Token) {
            o->set("kind", "token");
            o->set("jti", r.value);
        } else {
            o->set("kind", "subject");
            o->set("subject", r.value);
            // Milliseconds, not ISO text (whole seconds elsewhere in this
            // API): where in its second a cut-off falls decides which tokens it ends.
            o->set("cutoffMs", r.cutoffMs);
        }
        o->set("expiresMs", r.expiresMs);
        arr->add(o);
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("entries", arr);
    out->set("nextAfter", page.nextAfter);
    out->set("highestSeq", page.highestSeq);
    reply.json(out);
}

}  // namespace medbox::console
