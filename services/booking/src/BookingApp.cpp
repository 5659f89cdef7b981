#include "BookingApp.h"
#include "Routes.h"
#include "booking/EmbeddedFiles.h"
#include "booking/ServiceRow.h"
#include "domain/BookingEnv.h"
#include "domain/DemoData.h"
#include "domain/SessionCloser.h"
#include <Poco/Logger.h>

namespace medbox::booking {

BookingApp::BookingApp() : ServiceApp(kServiceName, kDefaultPort) {}
BookingApp::~BookingApp() = default;

const std::vector<resources::Resource>& BookingApp::resources() const { return embeddedFiles(); }

void BookingApp::configure(const Settings& settings) { config_ = readBookingConfig(settings); }

void BookingApp::registerRoutes(Router& router, ServiceContext& ctx) {
    env_ = std::make_unique<BookingEnv>(ctx.db, ctx.clock, ctx.audit, config_, TxEffects::wakeOf(ctx.outbox));
    if (config_.demoData) {
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
