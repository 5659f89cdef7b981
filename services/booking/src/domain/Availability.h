#pragma once
// What a patient may book in a schedule right now: release state (放号),
// remaining places per slot and whether each slot is bookable, plus the next
// instant at which that answer changes by time alone (for the cache).
#include "domain/BookingRules.h"
#include "domain/LocalTime.h"
#include "store/Rows.h"
#include <cstdint>
#include <limits>
#include <vector>

namespace medbox::booking {

struct SlotAvailability {
    Slot slot;
    int64_t startMs = 0;
    int remaining = 0;
    bool bookable = false;
};

struct ScheduleAvailability {
    int64_t releaseAtMs = 0;
    bool released = false;
    bool bookable = false;      // at least one slot bookable
    int remaining = 0;          // free places over all slots
    int bookableRemaining = 0;  // free places in slots still bookable
    std::vector<SlotAvailability> slots;
    int64_t validUntilMs = std::numeric_limits<int64_t>::max();
};

int64_t sessionStartMs(const HospitalTime& t, const Schedule& s);
int64_t sessionEndMs(const HospitalTime& t, const Schedule& s);
int64_t slotStartMs(const HospitalTime& t, const std::string& date, const std::string& startTime);

ScheduleAvailability availability(const BookingRules& r, const HospitalTime& t, const Schedule& s,
                                  const std::vector<Slot>& slots, int64_t nowMs);

}  // namespace medbox::booking
