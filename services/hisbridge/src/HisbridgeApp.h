#pragma once
// The hisbridge service: bridge to the hospital information system. Its name and default port come from its row
// of cmake/services.cmake (generated hisbridge/ServiceRow.h). One instance per
// process, created by POCO_SERVER_MAIN in main.cpp. Besides its HTTPS API it
// hosts the HL7 v2 listener (MLLP, port 2575 by default) whose messages the
// Hl7Inbox stores and applies, and the HIS socket interface's listener (port
// 2576, one request per connection) whose requests the HisInbox keeps.
#include "core/service/ServiceApp.h"
#include "domain/HisbridgeConfig.h"
#include <memory>

namespace medbox {
class PeriodicJob;
}

namespace medbox::hisbridge {

class HisbridgeEnv;
class Hl7Inbox;
class HisInbox;
class HisSender;

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
    std::unique_ptr<Hl7Inbox> inbox_;
    std::unique_ptr<HisInbox> hisInbox_;
    std::unique_ptr<HisSender> hisSender_;
    std::unique_ptr<PeriodicJob> senderJob_;
    std::unique_ptr<PeriodicJob> retentionJob_;  // jobs declared last: stopped (destroyed) first
};

}  // namespace medbox::hisbridge
