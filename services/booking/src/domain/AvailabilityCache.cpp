#include "domain/AvailabilityCache.h"
#include "core/db/Database.h"
#include <mutex>

namespace medbox::booking {

uint64_t AvailabilityCache::generation() const {
    std::shared_lock lock(mutex_);
    return generation_;
}

std::optional<std::string> AvailabilityCache::get(const std::string& key, int64_t nowMs) const {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || nowMs >= it->second.validUntilMs) return std::nullopt;
    return it->second.json;
}

void AvailabilityCache::put(const std::string& key, std::string json, int64_t validUntilMs, uint64_t generationAtRead) {
    std::unique_lock lock(mutex_);
    if (generationAtRead != generation_) return;  // a commit happened since the read
    // Keys are validated filters, so the set is bounded; still cap memory.
    if (entries_.size() >= maxEntries_ && !entries_.count(key)) entries_.clear();
    entries_[key] = Entry{std::move(json), validUntilMs};
}

void AvailabilityCache::invalidate() {
    std::unique_lock lock(mutex_);
    ++generation_;
    entries_.clear();
}

void AvailabilityCache::invalidateAfter(db::Tx& tx) {
    tx.afterCommit([this] { invalidate(); });
}

size_t AvailabilityCache::size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
}

}  // namespace medbox::booking
