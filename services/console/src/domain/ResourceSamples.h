#pragma once
// The overview's charts (docs/console.md, "Overview"): every
// console.sample_seconds the sampler reads the host (HostProbe) and each
// medbox unit's memory (systemd, when reachable), stores one row per metric
// and deletes rows older than console.samples_keep_days; the API reads them
// back averaged into at most kMaxPoints buckets per metric.
//
// Owned by ConsoleApp; sampleOnce() runs on the PeriodicJob's thread,
// series() on worker threads (each goes through the database only).
#include "core/service/PeriodicJob.h"
#include "domain/ConsoleEnv.h"
#include "domain/HostProbe.h"
#include "store/SampleStore.h"
#include <functional>
#include <memory>

namespace medbox::console {

class ResourceSamples {
public:
    static constexpr std::size_t kMaxPoints = 720;  // a 12-hour chart at one point a minute

    // unitMemory: each medbox unit's memory now (Units over systemd); it may
    // throw when systemd is unreachable, and the host readings are kept anyway.
    using UnitMemory = std::function<std::vector<Reading>()>;
    ResourceSamples(ConsoleEnv& env, HostProbe probe, UnitMemory unitMemory);
    ~ResourceSamples();

    // Starts / stops sampling every env.config.sampleSeconds.
    void start(Poco::Logger& logger);
    void stop();

    // One sample now, and the purge of old rows (the job's work; tests call it).
    void sampleOnce();

    // Series whose metric starts with `prefix`, in [sinceMs, untilMs).
    // AppError(InvalidField) for an empty or reversed window, or one longer
    // than the keep time.
    std::vector<store::Series> series(const std::string& prefix, int64_t sinceMs, int64_t untilMs) const;

private:
    ConsoleEnv& env_;
    HostProbe probe_;
    UnitMemory unitMemory_;
    std::unique_ptr<PeriodicJob> job_;
};

}  // namespace medbox::console
