// The overview (docs/console.md, "Overview"): the charts and the services'
// state; parse and render. The sampling and the buckets are in
// domain/ResourceSamples, the checks in domain/PeerStatus.
#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "handlers/Handlers.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {

constexpr int64_t kDefaultWindowMs = 6 * 3'600'000LL;  // "the last hours"

int64_t queryMs(const Request& req, const std::string& name, int64_t fallback) {
    const auto us = req.queryInstantUs(name);
    return us ? *us / 1000 : fallback;
}

}  // namespace

void Handlers::listSamples(Request& req, Reply& reply) {
    const int64_t until = queryMs(req, "until", env_.now());
    const int64_t since = queryMs(req, "since", until - kDefaultWindowMs);
    const std::string prefix = req.query("metric").value_or("");
    if (prefix.size() > 300) throw AppError(Err::InvalidField, "metric: at most 300 bytes", "metric");
    Poco::JSON::Object::Ptr metrics = new Poco::JSON::Object;
    for (const auto& s : samples_.series(prefix, since, until)) {
        Poco::JSON::Array::Ptr points = new Poco::JSON::Array;
        for (const auto& p : s.points) {
            Poco::JSON::Array::Ptr point = new Poco::JSON::Array;
            point->add(p.tMs);
            point->add(p.value);
            points->add(point);
        }
        metrics->set(s.metric, points);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("since", isoUtc(since));
    o->set("until", isoUtc(until));
    o->set("sampleSeconds", env_.config.sampleSeconds);
    o->set("metrics", metrics);
    reply.json(o);
}

void Handlers::listServices(Request&, Reply& reply) {
    const int64_t now = env_.now();
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& s : peers_.snapshot()) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("name", s.name);
        o->set("url", s.url.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s.url));
        o->set("checkedAt", s.checkedMs ? Poco::Dynamic::Var(isoUtc(s.checkedMs)) : Poco::Dynamic::Var());
        o->set("ready", s.ready);
        o->set("error", s.error.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s.error));
        if (s.backlogKnown) {
            Poco::JSON::Array::Ptr backlog = new Poco::JSON::Array;
            for (const auto& b : s.backlog) {
                Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
                d->set("destination", b.destination);
                d->set("pending", b.pending);
                d->set("oldestAgeSeconds", b.oldestAgeSeconds);
                d->set("headAttempts", b.headAttempts);
                d->set("headError", b.headError.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(b.headError));
                backlog->add(d);
            }
            o->set("backlog", backlog);
        } else {
            o->set("backlog", Poco::Dynamic::Var());
        }
        if (s.certificate) {
            Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
            c->set("notAfter", isoUtc(s.certificate->notAfterMs));
            c->set("daysLeft", (s.certificate->notAfterMs - now) / 86'400'000);
            c->set("sha256", s.certificate->sha256);
            c->set("selfSigned", s.certificate->selfSigned);
            o->set("certificate", c);
        } else {
            o->set("certificate", Poco::Dynamic::Var());
        }
        list->add(o);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("services", list);
    reply.json(o);
}

}  // namespace medbox::console
