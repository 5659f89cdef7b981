#pragma once
// Table resource_samples (migrations/0004): the overview's host readings.
#include "core/db/Database.h"
#include "domain/HostProbe.h"
#include <cstdint>
#include <string>
#include <vector>

namespace medbox::console::store {

void insertSamples(db::Connection& c, int64_t tMs, const std::vector<Reading>& readings);
// Deletes rows older than beforeMs; returns how many.
int64_t purgeSamples(db::Connection& c, int64_t beforeMs);

struct SeriesPoint {
    int64_t tMs = 0;   // start of the bucket
    double value = 0;  // mean of the bucket's samples
};
struct Series {
    std::string metric;
    std::vector<SeriesPoint> points;  // oldest first
};
// Metrics starting with `prefix` (all when empty), in [sinceMs, untilMs),
// averaged over buckets of stepMs (>= 1), sorted by metric name.
std::vector<Series> sampleSeries(db::Connection& c, const std::string& prefix, int64_t sinceMs, int64_t untilMs,
                                 int64_t stepMs);

}  // namespace medbox::console::store
