#pragma once
// The hisbridge API's handlers: parse and validate input, call the domain, render
// JSON. One object for the whole service, built by Routes.cpp and shared by
// all worker threads (it holds no per-request state). Methods are implemented
// in one file per resource (MessageHandlers.cpp, ...).
#include "core/http/Request.h"
#include "domain/HisbridgeEnv.h"
#include "domain/Messages.h"

namespace medbox::hisbridge {

class Handlers {
public:
    explicit Handlers(HisbridgeEnv& env) : env_(env), messages_(env) {}

    // HL7 messages received
    void listMessages(Request& rq, Reply& rp);
    void getMessage(Request& rq, Reply& rp);
    // booking's outbox: bookings and cancellations for the HIS (BookingInboxHandlers.cpp)
    void bookingInbox(Request& rq, Reply& rp);
    // the socket interface's traffic (HisMessageHandlers.cpp)
    void listHisMessages(Request& rq, Reply& rp);

private:
    HisbridgeEnv& env_;
    Messages messages_;
};

}  // namespace medbox::hisbridge
