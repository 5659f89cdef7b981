#include "domain/BookingConfig.h"
#include "core/config/Settings.h"
#include "domain/LocalTime.h"

namespace medbox::booking {

namespace {

int intKey(const Settings& s, const std::string& key, int def, int min, int max) {
    return static_cast<int>(s.integer(key, def, min, max));
}

int timeKey(const Settings& s, const std::string& key, const std::string& def) {
    const std::string v = s.str(key, def);
    const auto m = parseTimeOfDay(v);
    if (!m) throw ConfigError(key + ": expected HH:MM (00:00-23:59), got \"" + v + "\"");
    return *m;
}

SessionHours hoursKey(const Settings& s, const std::string& key, const std::string& def) {
    const std::string v = s.str(key, def);
    const auto dash = v.find('-');
    const auto start = dash == std::string::npos ? std::nullopt : parseTimeOfDay(v.substr(0, dash));
    const auto end = dash == std::string::npos ? std::nullopt : parseTimeOfDay(v.substr(dash + 1));
    if (!start || !end || *start >= *end)
        throw ConfigError(key + ": expected HH:MM-HH:MM with the start before the end, got \"" + v + "\"");
    return {*start, *end};
}

}  // namespace

BookingConfig readBookingConfig(const Settings& s) {
    BookingConfig r;
    r.releaseDaysAhead = intKey(s, "booking.release_days_ahead", 7, 0, 60);
    r.releaseMinute = timeKey(s, "booking.release_time", "08:00");
    r.maxActivePerPatient = intKey(s, "booking.max_active_per_patient", 3, 1, 50);
    r.noShowLimit = intKey(s, "booking.noshow_limit", 3, 0, 100);
    r.noShowWindowDays = intKey(s, "booking.noshow_window_days", 90, 1, 3650);
    r.noShowBlockDays = intKey(s, "booking.noshow_block_days", 30, 0, 3650);
    r.cancelCutoffMinutes = intKey(s, "booking.cancel_cutoff_minutes", 120, 0, 10080);
    r.checkInOpenMinutes = intKey(s, "booking.checkin_open_minutes", 60, 0, 720);
    r.passRequeueAfter = intKey(s, "booking.pass_requeue_after", 2, 0, 100);
    r.utcOffsetMinutes = intKey(s, "booking.utc_offset_minutes", 480, -720, 840);
    r.idempotencyTtlHours = intKey(s, "booking.idempotency_ttl_hours", 24, 1, 720);
    r.autoCloseAfterMinutes = intKey(s, "booking.auto_close_after_minutes", 0, 0, 1440);
    r.scheduleHorizonDays = intKey(s, "booking.schedule_horizon_days", 90, 1, 365);
    r.defaultSlotMinutes = intKey(s, "booking.default_slot_minutes", 30, 5, 240);
    r.morning = hoursKey(s, "booking.morning_hours", "08:00-12:00");
    r.afternoon = hoursKey(s, "booking.afternoon_hours", "13:30-17:30");
    r.evening = hoursKey(s, "booking.evening_hours", "18:00-21:00");
    r.demoData = s.flag("booking.demo_data", false);
    return r;
}

}  // namespace medbox::booking
