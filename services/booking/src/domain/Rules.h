#pragma once
// Pure booking rules: release time, cancellation cutoff, check-in window,
// no-show block, slot planning and queue re-ordering. No I/O, no clock: the
// caller passes "now", so every rule is tested with plain numbers.
#include "domain/BookingRules.h"
#include "domain/LocalTime.h"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::booking {

inline const std::vector<std::string>& sessionNames() {
    static const std::vector<std::string> names{"morning", "afternoon", "evening"};
    return names;
}

// The instant a clinic day's schedules become bookable (放号).
int64_t releaseAtMs(const BookingRules& r, const HospitalTime& t, int64_t clinicDay);
// The last instant a booking for a slot starting at slotStartMs may be cancelled.
int64_t cancelDeadlineMs(const BookingRules& r, int64_t slotStartMs);

struct Window {
    int64_t fromMs;
    int64_t toMs;  // inclusive
    bool contains(int64_t ms) const { return ms >= fromMs && ms <= toMs; }
};
// Check-in is open from checkInOpenMinutes before the slot start until the
// end of the session.
Window checkInWindow(const BookingRules& r, int64_t slotStartMs, int64_t sessionEndMs);

// No-show block: given the instants of a patient's no-shows (any order), the
// end of the block in force at nowMs, or nullopt. A block starts when the
// noShowLimit-th no-show within noShowWindowDays is recorded and lasts
// noShowBlockDays from that no-show.
std::optional<int64_t> noShowBlockedUntil(const BookingRules& r, std::vector<int64_t> noShowsMs, int64_t nowMs);

struct SlotPlan {
    int seq;    // 1-based
    int start;  // minutes after midnight
    int end;
    int capacity;
};
// Splits [start, end) into slots of slotMinutes (the last one may be shorter)
// and spreads capacity over them as evenly as possible, earlier slots getting
// the remainder. Slots that would get no place are left out. Empty when the
// input is unusable (start >= end, slotMinutes < 1, capacity < 1).
std::vector<SlotPlan> planSlots(int start, int end, int slotMinutes, int capacity);
// capacity spread over count slots the same way (earlier slots get the
// remainder); zeros kept.
std::vector<int> spreadCapacity(int capacity, int count);

// A consulting-room code as used in URLs: 1-32 of A-Z a-z 0-9 '-' '_' '.'.
bool isRoomCode(std::string_view room);

// Queue "pass" (过号): puts `passed` back into the waiting order behind
// `after` waiting patients (or at the end when fewer are waiting).
std::vector<int64_t> requeueAfter(const std::vector<int64_t>& waiting, int64_t passed, int after);

}  // namespace medbox::booking
