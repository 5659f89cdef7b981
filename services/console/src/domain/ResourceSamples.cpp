#include "domain/ResourceSamples.h"

#include "core/error/AppError.h"

#include <Poco/Logger.h>

namespace medbox::console {

ResourceSamples::ResourceSamples(ConsoleEnv& env, HostProbe probe, UnitMemory unitMemory)
    : env_(env), probe_(std::move(probe)), unitMemory_(std::move(unitMemory)) {}

ResourceSamples::~ResourceSamples() { stop(); }

void ResourceSamples::start(Poco::Logger& logger) {
    if (job_) return;
    job_ = std::make_unique<PeriodicJob>(
        "resource sampling", env_.clock, env_.config.sampleSeconds * 1000LL, [this] { sampleOnce(); }, logger);
    job_->start();
}

void ResourceSamples::stop() {
    if (job_) job_->stop();
}

void ResourceSamples::sampleOnce() {
    auto readings = probe_.read();
    if (unitMemory_) {
        try {
            auto units = unitMemory_();
            readings.insert(readings.end(), units.begin(), units.end());
        } catch (const std::exception&) {
            // No systemd (a build machine, a broken bus): the host's readings still count.
        }
    }
    const int64_t now = env_.now();
    const int64_t keepMs = env_.config.samplesKeepDays * 86'400'000LL;
    env_.db.write([&](db::Tx& tx) {
        store::insertSamples(tx.conn(), now, readings);
        store::purgeSamples(tx.conn(), now - keepMs);
    });
}

std::vector<store::Series> ResourceSamples::series(const std::string& prefix, int64_t sinceMs, int64_t untilMs) const {
    const int64_t keepMs = env_.config.samplesKeepDays * 86'400'000LL;
    if (untilMs <= sinceMs) throw AppError(Err::InvalidField, "since: must be before until", "since");
    if (untilMs - sinceMs > keepMs + 86'400'000LL) {
        throw AppError(Err::InvalidField,
                       "since: at most " + std::to_string(env_.config.samplesKeepDays) + " days are kept", "since");
    }
    // Buckets no finer than the sampling period, and at most kMaxPoints of them.
    const int64_t span = untilMs - sinceMs;
    const int64_t byCount = (span + static_cast<int64_t>(kMaxPoints) - 1) / static_cast<int64_t>(kMaxPoints);
    const int64_t step = std::max<int64_t>(byCount, env_.config.sampleSeconds * 1000LL);
    return env_.db.read([&](db::Connection& c) { return store::sampleSeries(c, prefix, sinceMs, untilMs, step); });
}

}  // namespace medbox::console
