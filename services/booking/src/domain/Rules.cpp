#include "domain/Rules.h"
#include <algorithm>
#include <functional>

namespace medbox::booking {

namespace {
constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerDay = 86'400'000;
}

int64_t releaseAtMs(const BookingRules& r, const HospitalTime& t, int64_t clinicDay) {
    return t.toMs(clinicDay - r.releaseDaysAhead, r.releaseMinute);
}

int64_t cancelDeadlineMs(const BookingRules& r, int64_t slotStartMs) {
    return slotStartMs - r.cancelCutoffMinutes * kMsPerMinute;
}

Window checkInWindow(const BookingRules& r, int64_t slotStartMs, int64_t sessionEndMs) {
    return {slotStartMs - r.checkInOpenMinutes * kMsPerMinute, sessionEndMs};
}

std::optional<int64_t> noShowBlockedUntil(const BookingRules& r, std::vector<int64_t> noShows, int64_t nowMs) {
    if (r.noShowLimit <= 0 || r.noShowBlockDays <= 0) return std::nullopt;
    const size_t limit = static_cast<size_t>(r.noShowLimit);
    if (noShows.size() < limit) return std::nullopt;
    std::sort(noShows.begin(), noShows.end(), std::greater<>());
    const int64_t window = r.noShowWindowDays * kMsPerDay;
    const int64_t block = r.noShowBlockDays * kMsPerDay;
    // The most recent no-show that completes a run of `limit` inside the window
    // starts the latest block; older runs can only end earlier.
    for (size_t k = 0; k + limit - 1 < noShows.size(); ++k) {
        if (noShows[k] > nowMs) continue;  // recorded in the future: ignore (clock skew)
        if (noShows[k] - noShows[k + limit - 1] <= window) {
            const int64_t until = noShows[k] + block;
            if (until > nowMs) return until;
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::vector<SlotPlan> planSlots(int start, int end, int slotMinutes, int capacity) {
    std::vector<SlotPlan> out;
    if (start >= end || slotMinutes < 1 || capacity < 1) return out;
    const int count = (end - start + slotMinutes - 1) / slotMinutes;
    const int base = capacity / count;
    const int extra = capacity % count;
    int seq = 0;
    for (int i = 0; i < count; ++i) {
        const int cap = base + (i < extra ? 1 : 0);
        if (cap == 0) continue;
        const int s = start + i * slotMinutes;
        out.push_back({++seq, s, std::min(end, s + slotMinutes), cap});
    }
    return out;
}

std::vector<int> spreadCapacity(int capacity, int count) {
    std::vector<int> out;
    if (count < 1) return out;
    for (int i = 0; i < count; ++i) out.push_back(capacity / count + (i < capacity % count ? 1 : 0));
    return out;
}

bool isRoomCode(std::string_view room) {
    if (room.empty() || room.size() > 32) return false;
    return std::all_of(room.begin(), room.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

std::vector<int64_t> requeueAfter(const std::vector<int64_t>& waiting, int64_t passed, int after) {
    std::vector<int64_t> out;
    out.reserve(waiting.size() + 1);
    for (int64_t id : waiting)
        if (id != passed) out.push_back(id);
    const size_t at = std::min(out.size(), static_cast<size_t>(std::max(after, 0)));
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), passed);
    return out;
}

}  // namespace medbox::booking
