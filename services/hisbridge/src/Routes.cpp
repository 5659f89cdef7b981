// Every route of the hisbridge service and who may call it. Keep in step with
// web/openapi.json (each operation's x-medbox-access is Access::describe();
// tests/HisbridgeRoutesTest.cpp checks both ways).
#include "Routes.h"
#include "domain/HisbridgeEnv.h"
#include "handlers/Handlers.h"
#include <memory>

namespace medbox::hisbridge {

void registerRoutes(Router& r, HisbridgeEnv& env) {
    const auto bind = methodsOf(std::make_shared<Handlers>(env));

    const Access admins = Access::staff({"admin"});

    r.get("/api/v1/notes", admins, bind(&Handlers::listNotes), "List notes, newest first");
    r.post("/api/v1/notes", admins, bind(&Handlers::createNote), "Add a note");
    r.get("/api/v1/notes/{id}", admins, bind(&Handlers::getNote), "Get a note");
}

}  // namespace medbox::hisbridge
