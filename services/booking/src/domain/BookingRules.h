#pragma once
// The configurable rules of outpatient booking, read once from `booking.*`
// keys by readBookingConfig() (domain/BookingConfig.h; docs/booking.md) and then
// read-only for the process lifetime. Tests build one by hand.
#include <string>

namespace medbox::booking {

struct SessionHours {
    int start;  // minutes after local midnight
    int end;
};

struct BookingRules {
    // 放号: a date's schedules open for booking releaseDaysAhead days before,
    // at releaseMinute (local).
    int releaseDaysAhead = 7;
    int releaseMinute = 8 * 60;
    // Anti-scalping (防黄牛).
    int maxActivePerPatient = 3;
    int noShowLimit = 3;  // 0 disables the no-show block
    int noShowWindowDays = 90;
    int noShowBlockDays = 30;
    // Cancellation and check-in windows, relative to the slot start.
    int cancelCutoffMinutes = 120;
    int checkInOpenMinutes = 60;
    // Queue: a passed patient goes back behind this many waiting patients.
    int passRequeueAfter = 2;
    int utcOffsetMinutes = 480;
    int idempotencyTtlHours = 24;
    // 0: sessions are only closed by staff; else closed automatically this
    // many minutes after they end.
    int autoCloseAfterMinutes = 0;
    // Schedules may be created for today up to this many days ahead.
    int scheduleHorizonDays = 90;
    int defaultSlotMinutes = 30;
    SessionHours morning{8 * 60, 12 * 60};
    SessionHours afternoon{13 * 60 + 30, 17 * 60 + 30};
    SessionHours evening{18 * 60, 21 * 60};
    bool demoData = false;

    const SessionHours& hours(const std::string& session) const {
        return session == "afternoon" ? afternoon : session == "evening" ? evening : morning;
    }
};

}  // namespace medbox::booking
