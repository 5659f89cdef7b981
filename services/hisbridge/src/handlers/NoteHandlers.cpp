// Notes: read and written by admins.
#include "handlers/Handlers.h"
#include "core/error/AppError.h"
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <charconv>

namespace medbox::hisbridge {

namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 200;

Poco::JSON::Object::Ptr view(const store::Note& n) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", n.id);
    o->set("text", n.text);
    o->set("author", n.author);
    o->set("createdMs", n.createdMs);
    return o;
}

int limitParam(const Request& rq) {
    const auto v = rq.query("limit");
    if (!v) return kDefaultLimit;
    int limit = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), limit);
    if (ec != std::errc() || end != v->data() + v->size() || limit < 1 || limit > kMaxLimit)
        throw AppError(Err::InvalidField, "limit is a whole number 1-" + std::to_string(kMaxLimit), "limit");
    return limit;
}

}  // namespace

void Handlers::listNotes(Request& rq, Reply& rp) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& n : notes_.list(limitParam(rq))) items->add(view(n));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("items", items);
    rp.json(body);
}

void Handlers::getNote(Request& rq, Reply& rp) { rp.json(view(notes_.get(rq.idParam("id")))); }

void Handlers::createNote(Request& rq, Reply& rp) {
    const JsonBody b = rq.json();
    b.allowOnly({"text"});
    // The length rule is the domain's (in characters); this only bounds the bytes read.
    const store::Note n = notes_.add(rq.actor(), b.str("text", 4 * 10000));
    rp.status(201);
    rp.header("Location", "/api/v1/notes/" + std::to_string(n.id));
    rp.json(view(n));
}

}  // namespace medbox::hisbridge
