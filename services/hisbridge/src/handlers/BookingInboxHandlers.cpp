// POST /api/v1/booking/inbox: booking's outbox delivers booking.created and
// booking.cancelled here (docs/booking.md, "Messages"); each is stored once
// (its id) for the HIS sender (domain/HisSender.h) and answered 200, a
// repeat with duplicate true.
#include "core/error/AppError.h"
#include "domain/HisSender.h"
#include "handlers/Handlers.h"

namespace medbox::hisbridge {

void Handlers::bookingInbox(Request& rq, Reply& rp) {
    const JsonBody b = rq.json();
    b.allowOnly({"id", "source", "topic", "createdAt", "payload"});
    const std::string id = b.str("id", 100);
    if (rq.header("Message-Id", id) != id)
        throw AppError(Err::InvalidField, "the Message-Id header and the envelope's id differ", "id");
    const std::string topic = b.oneOf("topic", {"booking.created", "booking.cancelled"});
    const bool fresh = acceptBookingMessage(env_, id, topic, b.object("payload").raw());
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", id);
    o->set("duplicate", !fresh);
    rp.json(o);
}

}  // namespace medbox::hisbridge
