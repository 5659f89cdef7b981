// The quarantine: admins inspect, correct, resend or discard failed messages;
// auditors read (docs/hisbridge.md, "Quarantine"). Every call is audited by
// the domain (domain/Quarantine.h).
#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "handlers/Handlers.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace medbox::hisbridge {

namespace {

constexpr size_t kMaxBodyChars = 1'000'000;  // the MLLP listener's default frame limit

Poco::JSON::Object::Ptr view(const QuarantineItem& q) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("kind", q.kind);
    o->set("id", q.id);
    o->set("type", q.type);
    o->set("from", q.from);
    o->set("key", q.key);
    o->set("reason", q.reason);
    o->set("location", q.location);
    o->set("attempts", q.attempts);
    o->set("receivedAt", isoUtcMillis(q.receivedMs));
    o->set("updatedAt", isoUtcMillis(q.updatedMs));
    return o;
}

// The message text: an HL7 message ends its segments in CR (JsonBody's str()
// refuses control characters), so CR, LF and TAB are taken here; the
// parser then judges the content.
std::string messageText(const JsonBody& b) {
    const auto& o = b.raw();
    if (!o->has("body") || o->isNull("body")) throw AppError(Err::MissingField, "body is required", "body");
    if (!o->get("body").isString()) throw AppError(Err::InvalidField, "body is a string", "body");
    const std::string text = o->getValue<std::string>("body");
    if (text.empty()) throw AppError(Err::InvalidField, "body is empty", "body");
    if (text.size() > kMaxBodyChars)
        throw AppError(Err::InvalidField, "body is longer than " + std::to_string(kMaxBodyChars) + " bytes", "body");
    for (const unsigned char ch : text)
        if ((ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t') || ch == 0x7f)
            throw AppError(Err::InvalidField, "body holds a control character other than CR, LF or TAB", "body");
    return text;
}

}  // namespace

void Handlers::listQuarantine(Request& rq, Reply& rp) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& q : quarantine_.list(rq.actor())) items->add(view(q));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("items", items);
    rp.json(body);
}

void Handlers::getQuarantined(Request& rq, Reply& rp) {
    const QuarantineItem q = quarantine_.get(rq.actor(), rq.param("kind"), rq.idParam("id"));
    Poco::JSON::Object::Ptr o = view(q);
    o->set("body", q.body);
    rp.json(o);
}

void Handlers::correctQuarantined(Request& rq, Reply& rp) {
    const JsonBody b = rq.json();
    b.allowOnly({"body"});
    const std::string kind = rq.param("kind");
    const int64_t id = rq.idParam("id");
    quarantine_.correct(rq.actor(), kind, id, messageText(b));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("kind", kind);
    o->set("id", id);
    o->set("corrected", true);
    rp.json(o);
}

void Handlers::resendQuarantined(Request& rq, Reply& rp) {
    const std::string kind = rq.param("kind");
    const int64_t id = rq.idParam("id");
    const ResendResult r = quarantine_.resend(rq.actor(), kind, id);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("kind", kind);
    o->set("id", id);
    o->set("state", r.state);
    o->set("reason", r.reason);
    rp.json(o);
}

void Handlers::discardQuarantined(Request& rq, Reply& rp) {
    const JsonBody b = rq.json();
    b.allowOnly({"reason"});
    const std::string kind = rq.param("kind");
    const int64_t id = rq.idParam("id");
    quarantine_.discard(rq.actor(), kind, id, b.str("reason", 500));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("kind", kind);
    o->set("id", id);
    o->set("discarded", true);
    rp.json(o);
}

}  // namespace medbox::hisbridge
