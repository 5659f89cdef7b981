#pragma once
// The hisbridge service: bridge to the hospital information system. Its name and default port come from its row
// of cmake/services.cmake (generated hisbridge/ServiceRow.h). One instance per
// process, created by POCO_SERVER_MAIN in main.cpp. Background jobs, when the
// service gets some, start in started() and stop in stopping() (see booking).
#include "domain/HisbridgeConfig.h"
#include "core/service/ServiceApp.h"
#include <memory>

namespace medbox::hisbridge {

class HisbridgeEnv;

class HisbridgeApp : public ServiceApp {
public:
    HisbridgeApp();
    ~HisbridgeApp() override;

protected:
    const std::vector<resources::Resource>& resources() const override;
    void configure(const Settings& settings) override;
    void registerRoutes(Router& router, ServiceContext& ctx) override;

private:
    HisbridgeConfig config_;
    std::unique_ptr<HisbridgeEnv> env_;
};

}  // namespace medbox::hisbridge
