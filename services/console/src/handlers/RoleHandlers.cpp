// The fixed role catalogue, for the console's user form: /api/v1/roles.
#include "handlers/Handlers.h"

#include "domain/RoleCatalog.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

void Handlers::listRoles(Request&, Reply& reply) {
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& r : RoleCatalog::all()) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("name", std::string(r.name));
        o->set("description", std::string(r.description));
        Poco::JSON::Array::Ptr services = new Poco::JSON::Array;
        for (auto s : r.services) services->add(std::string(s));
        o->set("services", services);
        o->set("available", r.available);
        arr->add(o);
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("roles", arr);
    reply.json(out);
}

}  // namespace medbox::console
