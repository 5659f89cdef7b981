// The waiting-room screen's public reads (no sign-in; docs/booking.md,
// "Waiting-room screen"): only the called number, the room and the masked
// name, from DisplayBoard's short-lived cache, with an ETag for pollers.
#include "handlers/Etag.h"
#include "handlers/Handlers.h"
#include "handlers/Input.h"

namespace medbox::booking {

void Handlers::roomDisplay(Request& rq, Reply& rp) { replyWithEtag(rq, rp, display_.room(input::room(rq))); }

void Handlers::departmentDisplay(Request& rq, Reply& rp) {
    replyWithEtag(rq, rp, display_.department(rq.idParam("id")));
}

}  // namespace medbox::booking
