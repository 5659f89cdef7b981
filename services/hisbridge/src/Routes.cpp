// Every route of the hisbridge service and who may call it. Keep in step with
// web/openapi.json (each operation's x-medbox-access is Access::describe();
// tests/HisbridgeRoutesTest.cpp checks both ways).
#include "Routes.h"
#include "domain/HisbridgeEnv.h"
#include "handlers/Handlers.h"
#include <memory>

namespace medbox::hisbridge {

void registerRoutes(Router& r, HisbridgeEnv& env, Hl7Inbox& inbox) {
    const auto bind = methodsOf(std::make_shared<Handlers>(env, inbox));

    // Interface troubleshooting: the messages hold patient data, so only
    // admins and auditors.
    const Access inspectors = Access::staff({"admin", "auditor"});

    r.get("/api/v1/messages", inspectors, bind(&Handlers::listMessages),
          "Search HL7 messages received (patient id, control id, type, state, time)");
    r.get("/api/v1/messages/{id}", inspectors, bind(&Handlers::getMessage),
          "One HL7 message with its body and what applying it produced");

    r.get("/api/v1/his/messages", inspectors, bind(&Handlers::listHisMessages),
          "Search the HIS socket interface's requests, in or out (request id, txn, state, time)");

    // Operating the bridge (docs/hisbridge.md, "Operating the bridge"): admins
    // act on the quarantine, auditors read it; conflicts after HIS downtime are
    // booking's business too, so schedulers handle them beside admins.
    const Access admins = Access::staff({"admin"});
    const Access reconcilers = Access::staff({"admin", "scheduler"});
    const Access reconcileReaders = Access::staff({"admin", "scheduler", "auditor"});
    r.get("/api/v1/his/messages/{id}", inspectors, bind(&Handlers::getHisMessage),
          "One request to the HIS (P201/P202) with its data and the HIS's answer");
    r.get("/api/v1/quarantine", inspectors, bind(&Handlers::listQuarantine),
          "Failed messages waiting for an admin, with the reason");
    r.get("/api/v1/quarantine/{kind}/{id}", inspectors, bind(&Handlers::getQuarantined),
          "One quarantined message with its body (hl7 or his)");
    r.put("/api/v1/quarantine/{kind}/{id}", admins, bind(&Handlers::correctQuarantined),
          "Correct a quarantined message's body (read by the same parser as on arrival)");
    r.post("/api/v1/quarantine/{kind}/{id}/resend", admins, bind(&Handlers::resendQuarantined),
           "Apply (HL7) or send (HIS) a quarantined message again");
    r.post("/api/v1/quarantine/{kind}/{id}/discard", admins, bind(&Handlers::discardQuarantined),
           "Discard a quarantined message with a reason");
    r.get("/api/v1/reconciliation", reconcileReaders, bind(&Handlers::listReconciliation),
          "Bookings made during HIS downtime that the HIS refused when it returned (patients masked)");
    r.post("/api/v1/reconciliation/{id}/cancel", reconcilers, bind(&Handlers::cancelConflict),
           "Cancel a conflicting booking; booking reverses it and the patient is told");
    r.post("/api/v1/reconciliation/{id}/resolve", reconcilers, bind(&Handlers::resolveConflict),
           "Mark a conflict resolved, with a note");
    r.post("/api/v1/reconciliation/{id}/resend", reconcilers, bind(&Handlers::resendConflict),
           "Send a conflicting booking to the HIS again");
    r.get("/api/v1/partners", inspectors, bind(&Handlers::listPartners),
          "Each partner: up or down, queue depth, oldest undelivered message, messages/s, failures");

    // booking.created / booking.cancelled from booking's outbox, sent on to
    // the HIS as P201 / P202 (docs/his-protocol.md).
    r.post("/api/v1/booking/inbox", Access::service({"booking"}), bind(&Handlers::bookingInbox),
           "Take a booking or cancellation for the HIS (booking's outbox)");
}

}  // namespace medbox::hisbridge
