// Staff sessions: /api/v1/sessions. Admins and auditors see everybody's,
// other staff their own; ending one is for admins, or for the session's own
// user (the same as signing out there).
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "handlers/Views.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {
bool seesAll(const Principal& p) { return p.hasRole("admin") || p.hasRole("auditor"); }
}  // namespace

void Handlers::listSessions(Request& req, Reply& reply) {
    const auto& p = *req.principal();
    const auto& me = subject(req);
    const auto rows = sessions_.active(seesAll(p) ? std::nullopt : std::optional<std::string>(me), p.tokenId);
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& s : rows) arr->add(views::staffSession(s));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("sessions", arr);
    reply.json(o);
}

void Handlers::endSession(Request& req, Reply& reply) {
    const int64_t id = req.idParam("id");
    input::noBody(req);
    const auto& p = *req.principal();
    const auto& me = subject(req);
    const auto ended = sessions_.end(req.actor(), id,
                                     p.hasRole("admin") ? std::nullopt : std::optional<std::string>(me));
    reply.json(views::staffSession(ended));
}

}  // namespace medbox::console
