#pragma once
// The hisbridge API's handlers: parse and validate input, call the domain, render
// JSON. One object for the whole service, built by Routes.cpp and shared by
// all worker threads (it holds no per-request state). Methods are implemented
// in one file per resource (MessageHandlers.cpp, ...).
#include "core/http/Request.h"
#include "domain/HisbridgeEnv.h"
#include "domain/Messages.h"
#include "domain/Quarantine.h"
#include "domain/Reconciliation.h"

namespace medbox::hisbridge {

class Handlers {
public:
    Handlers(HisbridgeEnv& env, Hl7Inbox& inbox)
        : env_(env), messages_(env), quarantine_(env, inbox), reconciliation_(env) {}

    // HL7 messages received
    void listMessages(Request& rq, Reply& rp);
    void getMessage(Request& rq, Reply& rp);
    // booking's outbox: bookings and cancellations for the HIS (BookingInboxHandlers.cpp)
    void bookingInbox(Request& rq, Reply& rp);
    // the socket interface's traffic (HisMessageHandlers.cpp)
    void listHisMessages(Request& rq, Reply& rp);
    void getHisMessage(Request& rq, Reply& rp);
    // the quarantine (QuarantineHandlers.cpp)
    void listQuarantine(Request& rq, Reply& rp);
    void getQuarantined(Request& rq, Reply& rp);
    void correctQuarantined(Request& rq, Reply& rp);
    void resendQuarantined(Request& rq, Reply& rp);
    void discardQuarantined(Request& rq, Reply& rp);
    // downtime: the reconciliation report and the partners (ReconciliationHandlers.cpp)
    void listReconciliation(Request& rq, Reply& rp);
    void cancelConflict(Request& rq, Reply& rp);
    void resolveConflict(Request& rq, Reply& rp);
    void resendConflict(Request& rq, Reply& rp);
    void listPartners(Request& rq, Reply& rp);

private:
    HisbridgeEnv& env_;
    Messages messages_;
    Quarantine quarantine_;
    Reconciliation reconciliation_;
};

}  // namespace medbox::hisbridge
