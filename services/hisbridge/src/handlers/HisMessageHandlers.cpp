// GET /api/v1/his/messages: the socket interface's traffic both ways, for
// admins and auditors (interface troubleshooting; docs/hisbridge.md).
#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "domain/HisMessages.h"
#include "handlers/Handlers.h"
#include <Poco/JSON/Array.h>
#include <algorithm>

namespace medbox::hisbridge {

namespace {

Poco::Dynamic::Var orNull(const std::optional<std::string>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

std::optional<std::string> filter(const Request& rq, const std::string& name, const std::vector<std::string>& allowed) {
    auto v = rq.query(name);
    if (!v || v->empty()) return std::nullopt;
    if (v->size() > 100) throw AppError(Err::InvalidField, name + " is longer than 100 characters", name);
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        throw AppError(Err::InvalidField, name + " is one of " + list, name);
    }
    return v;
}

Poco::JSON::Object::Ptr hisView(const HisMessageRow& m) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", m.id);
    o->set("direction", m.direction);
    o->set("requestId", m.requestId);
    o->set("txn", m.txn);
    o->set("state", m.state);
    o->set("answerCode", orNull(m.answerCode));
    o->set("answerMessage", orNull(m.answerMessage));
    o->set("error", orNull(m.error));
    if (m.direction == "in") o->set("sender", m.peerOrPatient);
    o->set("attempts", m.attempts);
    o->set("createdAt", isoUtcMillis(m.createdMs));
    o->set("updatedAt", isoUtcMillis(m.updatedMs));
    return o;
}

}  // namespace

void Handlers::listHisMessages(Request& rq, Reply& rp) {
    HisMessageQuery q;
    q.direction = filter(rq, "direction", {"in", "out"}).value_or("in");
    q.requestId = filter(rq, "requestId", {});
    q.txn = filter(rq, "txn", {});
    q.state = filter(rq, "state",
                     q.direction == "in" ? std::vector<std::string>{"forwarded", "stored", "applied", "failed"}
                                         : std::vector<std::string>{"pending", "acknowledged", "refused", "quarantined",
                                                                    "conflict", "cancelled", "resolved", "discarded"});
    constexpr int64_t kMax = 253402300800000;  // year 10000
    q.fromMs = rq.queryInt("fromMs", 0, kMax);
    q.toMs = rq.queryInt("toMs", 0, kMax);
    q.beforeId = rq.queryInt("beforeId", 1, INT64_MAX);
    q.limit = static_cast<int>(rq.queryInt("limit", 1, 500).value_or(50));
    const auto found = searchHisMessages(env_, rq.actor(), q);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& m : found) items->add(hisView(m));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("items", items);
    body->set("nextBeforeId",
              static_cast<int>(found.size()) == q.limit ? Poco::Dynamic::Var(found.back().id) : Poco::Dynamic::Var());
    rp.json(body);
}

void Handlers::getHisMessage(Request& rq, Reply& rp) {
    const std::string direction = filter(rq, "direction", {"in", "out"}).value_or("out");
    const HisMessageDetail d = readHisMessage(env_, rq.actor(), direction, rq.idParam("id"));
    Poco::JSON::Object::Ptr o = hisView(d.row);
    o->set("body", d.body);
    rp.json(o);
}

}  // namespace medbox::hisbridge
