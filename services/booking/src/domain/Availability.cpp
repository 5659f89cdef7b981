#include "domain/Availability.h"
#include "domain/Rules.h"
#include <algorithm>

namespace medbox::booking {

int64_t slotStartMs(const HospitalTime& t, const std::string& date, const std::string& startTime) {
    return t.toMs(parseDate(date).value_or(0), parseTimeOfDay(startTime).value_or(0));
}

int64_t sessionStartMs(const HospitalTime& t, const Schedule& s) { return slotStartMs(t, s.date, s.startTime); }
int64_t sessionEndMs(const HospitalTime& t, const Schedule& s) { return slotStartMs(t, s.date, s.endTime); }

ScheduleAvailability availability(const BookingRules& r, const HospitalTime& t, const Schedule& s,
                                  const std::vector<Slot>& slots, int64_t nowMs) {
    ScheduleAvailability a;
    a.releaseAtMs = releaseAtMs(r, t, parseDate(s.date).value_or(0));
    a.released = nowMs >= a.releaseAtMs;
    // A deactivated doctor or department takes no bookings.
    const bool open = s.status == "open" && s.catalogueActive;
    auto changesAt = [&](int64_t ms) {
        if (ms > nowMs) a.validUntilMs = std::min(a.validUntilMs, ms);
    };
    if (open) changesAt(a.releaseAtMs);
    a.slots.reserve(slots.size());
    for (const Slot& slot : slots) {
        SlotAvailability sa;
        sa.slot = slot;
        sa.startMs = slotStartMs(t, s.date, slot.startTime);
        sa.remaining = open ? std::max(0, slot.capacity - slot.booked) : 0;
        sa.bookable = open && a.released && nowMs < sa.startMs && sa.remaining > 0;
        if (open) changesAt(sa.startMs);
        a.remaining += sa.remaining;
        if (sa.bookable) {
            a.bookable = true;
            a.bookableRemaining += sa.remaining;
        }
        a.slots.push_back(std::move(sa));
    }
    return a;
}

}  // namespace medbox::booking
