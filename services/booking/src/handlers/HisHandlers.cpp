// POST /api/v1/his/inbox: hisbridge's outbox delivers here what the HIS sent
// about departments, doctors, schedules and stop-clinic notices
// (docs/his-protocol.md, T102-T105). The envelope is the outbox's:
// {"id","source","topic","createdAt","payload":{"sender","requestId","data"}}.
// A message id seen before is answered again without being applied
// (Inbox::accept); items booking cannot take are reported, not refused, so
// that one bad item does not hold back every later message.
#include "core/error/AppError.h"
#include "core/outbox/Outbox.h"
#include "domain/HisSync.h"
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include <Poco/JSON/Array.h>

namespace medbox::booking {

void Handlers::hisInbox(Request& rq, Reply& rp) {
    const JsonBody b = rq.json();
    b.allowOnly({"id", "source", "topic", "createdAt", "payload"});
    const std::string id = b.str("id", 100);
    if (rq.header("Message-Id", id) != id)
        throw AppError(Err::InvalidField, "the Message-Id header and the envelope's id differ", "id");
    const std::string topic = b.oneOf("topic", {"his.departments", "his.doctors", "his.schedules", "his.stop_clinic",
                                                "his.booking_refused", "his.visit_status"});
    const JsonBody payload = b.object("payload");
    const auto data = payload.object("data").raw();

    const bool seen = env_.db.read([&](db::Connection& c) {
        auto st = c.prepare("SELECT 1 FROM inbox_seen WHERE message_id = ? AND source = 'hisbridge'");
        st.args(id);
        return st.step();
    });
    auto o = jsonObject();
    o->set("id", id);
    if (seen) {
        o->set("duplicate", true);
        rp.json(o);
        return;
    }
    const HisSyncResult r = HisSync(env_).apply(input::caller(rq), topic, data);
    // Recorded after the items: each item is an upsert, so a crash before
    // this line and the message delivered again leave the same state.
    env_.db.write([&](db::Tx& tx) { Inbox::accept(tx, id, "hisbridge", env_.now()); });
    o->set("duplicate", false);
    o->set("applied", r.applied);
    o->set("unchanged", r.unchanged);
    Poco::JSON::Array::Ptr skipped = new Poco::JSON::Array;
    for (const auto& s : r.skipped) {
        auto x = jsonObject();
        x->set("index", s.index);
        x->set("reason", s.reason);
        skipped->add(x);
    }
    o->set("skipped", skipped);
    rp.json(o);
}

}  // namespace medbox::booking
