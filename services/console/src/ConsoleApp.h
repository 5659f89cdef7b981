#pragma once
// The console service: staff identity and roles (later also the admin web
// console and appliance control). Owns the staff token key: the core's
// ctx.issuer is the key with kid "console" that every service trusts for
// staff tokens. One instance per process, built by main().
#include "domain/ConsoleConfig.h"
#include "core/service/ServiceApp.h"
#include <memory>

namespace medbox::console {

class ConsoleEnv;
class Accounts;
class Revocations;
class Units;
class ResourceSamples;
class PeerStatus;
class VendorAccess;

class ConsoleApp : public ServiceApp {
public:
    ConsoleApp();
    ~ConsoleApp() override;

protected:
    const std::vector<resources::Resource>& resources() const override;
    void configure(const Settings& settings) override;
    void registerRoutes(Router& router, ServiceContext& ctx) override;
    // The console keeps the list of revoked staff tokens (domain/Revocations.h).
    bool ownsRevocations() const override { return true; }
    // The overview's resource sampling and service checks run while the server does.
    void started(ServiceContext& ctx) override;
    void stopping() override;

private:
    ConsoleConfig config_;
    // Built in registerRoutes(), used by the routes until exit.
    std::unique_ptr<ConsoleEnv> env_;
    std::unique_ptr<Revocations> revocations_;
    std::unique_ptr<Accounts> accounts_;
    std::unique_ptr<Units> units_;
    std::unique_ptr<ResourceSamples> samples_;
    std::unique_ptr<PeerStatus> peers_;
    std::unique_ptr<VendorAccess> vendor_;
};

}  // namespace medbox::console
