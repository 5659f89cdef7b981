#pragma once
// The @name@ service: @summary@. Its name and default port come from its row
// of cmake/services.cmake (generated @name@/ServiceRow.h). One instance per
// process, created by POCO_SERVER_MAIN in main.cpp. Background jobs, when the
// service gets some, start in started() and stop in stopping() (see booking).
#include "domain/@Name@Config.h"
#include "core/service/ServiceApp.h"
#include <memory>

namespace medbox::@name@ {

class @Name@Env;

class @Name@App : public ServiceApp {
public:
    @Name@App();
    ~@Name@App() override;

protected:
    const std::vector<resources::Resource>& resources() const override;
    void configure(const Settings& settings) override;
    void registerRoutes(Router& router, ServiceContext& ctx) override;

private:
    @Name@Config config_;
    std::unique_ptr<@Name@Env> env_;
};

}  // namespace medbox::@name@
