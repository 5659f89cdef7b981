#include "BookingApp.h"
#include "Routes.h"
#include "booking/EmbeddedFiles.h"
#include "booking/ServiceRow.h"
#include "domain/BookingEnv.h"
#include "domain/DemoData.h"
#include "domain/LocalTime.h"
#include "domain/SessionCloser.h"
#include "outbox/Outbox.h"
#include <Poco/Logger.h>

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

BookingRules readRules(const Settings& s) {
    BookingRules r;
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

BookingApp::BookingApp() : ServiceApp(kServiceName, kDefaultPort) {}
BookingApp::~BookingApp() = default;

const std::vector<resources::Resource>& BookingApp::resources() const { return embeddedFiles(); }

void BookingApp::configure(const Settings& settings) { rules_ = readRules(settings); }

void BookingApp::registerRoutes(Router& router, ServiceContext& ctx) {
    env_ = std::make_unique<BookingEnv>(ctx.db, ctx.clock, ctx.audit, rules_, [&ctx](const std::string& destination) {
        if (ctx.outbox) ctx.outbox->wake(destination);
    });
    if (rules_.demoData) {
        if (loadDemoData(*env_))
            ctx.logger.information("loaded the demo hospital (booking.demo_data=true, empty catalogue)");
        else
            ctx.logger.information("booking.demo_data=true but the catalogue is not empty: demo data not loaded");
    }
    booking::registerRoutes(router, *env_);
}

void BookingApp::started(ServiceContext&) {
    closer_ = std::make_unique<SessionCloser>(*env_, Poco::Logger::get("booking.sessions"));
    closer_->start();
}

void BookingApp::stopping() {
    if (closer_) closer_->stop();
}

}  // namespace medbox::booking
