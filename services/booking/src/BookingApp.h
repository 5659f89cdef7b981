#pragma once
// The booking service (outpatient registration): departments, doctors,
// schedules and slots, real-name booking with anti-scalping rules, cancel,
// stop-clinic, check-in and room queues. Default port: cmake/services.cmake.
// One instance per process, created by POCO_SERVER_MAIN in main.cpp.
#include "domain/BookingConfig.h"
#include "core/service/ServiceApp.h"
#include <memory>

namespace medbox::booking {

class BookingEnv;
class SessionCloser;

class BookingApp : public ServiceApp {
public:
    BookingApp();
    ~BookingApp() override;

protected:
    const std::vector<resources::Resource>& resources() const override;
    void configure(const Settings& settings) override;
    void registerRoutes(Router& router, ServiceContext& ctx) override;
    void started(ServiceContext& ctx) override;
    void stopping() override;

private:
    BookingConfig config_;
    std::unique_ptr<BookingEnv> env_;
    std::unique_ptr<SessionCloser> closer_;
};

}  // namespace medbox::booking
