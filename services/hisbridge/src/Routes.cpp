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

    // Interface troubleshooting: the messages hold patient data, so only
    // admins and auditors.
    const Access inspectors = Access::staff({"admin", "auditor"});

    r.get("/api/v1/messages", inspectors, bind(&Handlers::listMessages),
          "Search HL7 messages received (patient id, control id, type, state, time)");
    r.get("/api/v1/messages/{id}", inspectors, bind(&Handlers::getMessage),
          "One HL7 message with its body and what applying it produced");

    r.get("/api/v1/his/messages", inspectors, bind(&Handlers::listHisMessages),
          "Search the HIS socket interface's requests, in or out (request id, txn, state, time)");

    // booking.created / booking.cancelled from booking's outbox, sent on to
    // the HIS as P201 / P202 (docs/his-protocol.md).
    r.post("/api/v1/booking/inbox", Access::service({"booking"}), bind(&Handlers::bookingInbox),
           "Take a booking or cancellation for the HIS (booking's outbox)");
}

}  // namespace medbox::hisbridge
