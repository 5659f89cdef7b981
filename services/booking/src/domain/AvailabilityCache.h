#pragma once
// Serialised availability JSON (schedule lists and single schedules), so the
// hot read path of the portal is a hash lookup instead of SQL and JSON work.
//
// Correctness: every write that changes availability calls invalidateAfter(tx),
// which clears the cache and bumps a generation after COMMIT and before
// Database::write() returns. A reader takes the generation *before* it reads
// the database and put() drops its result if the generation moved meanwhile,
// so a snapshot read before a commit can never be stored after that commit's
// invalidation. Entries also carry a validity end (the next release time or
// slot start that changes the rendering), so time alone never serves stale
// "bookable" flags. Owned by BookingEnv; thread-safe.
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace medbox::db {
class Tx;
}

namespace medbox::booking {

class AvailabilityCache {
public:
    explicit AvailabilityCache(size_t maxEntries = 4096) : maxEntries_(maxEntries) {}
    uint64_t generation() const;
    std::optional<std::string> get(const std::string& key, int64_t nowMs) const;
    void put(const std::string& key, std::string json, int64_t validUntilMs, uint64_t generationAtRead);
    void invalidate();
    void invalidateAfter(db::Tx& tx);
    size_t size() const;

private:
    struct Entry {
        std::string json;
        int64_t validUntilMs;
    };
    size_t maxEntries_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    uint64_t generation_ = 0;
};

}  // namespace medbox::booking
