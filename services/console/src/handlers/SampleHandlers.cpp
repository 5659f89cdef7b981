// The overview's charts (docs/console.md, "Overview"): parse and render; the
// sampling and the buckets are in domain/ResourceSamples.
#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "handlers/Handlers.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {

constexpr int64_t kDefaultWindowMs = 6 * 3'600'000LL;  // "the last hours"

int64_t queryMs(const Request& req, const std::string& name, int64_t fallback) {
    const auto text = req.query(name);
    if (!text) return fallback;
    const auto us = parseIsoMicros(*text);
    if (!us) throw AppError(Err::InvalidField, name + ": an ISO 8601 time with Z or an offset", name);
    return *us / 1000;
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

}  // namespace medbox::console
