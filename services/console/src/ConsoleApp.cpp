#include "ConsoleApp.h"

#include "Routes.h"
#include "console/EmbeddedFiles.h"
#include "console/ServiceRow.h"
#include "domain/Accounts.h"
#include "domain/ConsoleEnv.h"
#include "domain/PeerStatus.h"
#include "domain/ResourceSamples.h"
#include "domain/SetupWizard.h"
#include "domain/Revocations.h"
#include "domain/Units.h"
#include "domain/VendorAccess.h"

#include <Poco/Logger.h>

#include <unistd.h>

namespace medbox::console {

ConsoleApp::ConsoleApp() : ServiceApp(kServiceName, kDefaultPort) {}
ConsoleApp::~ConsoleApp() = default;

const std::vector<resources::Resource>& ConsoleApp::resources() const { return embeddedFiles(); }

void ConsoleApp::configure(const Settings& settings) { config_ = readConsoleConfig(settings); }

void ConsoleApp::registerRoutes(Router& router, ServiceContext& ctx) {
    env_ = std::make_unique<ConsoleEnv>(ctx.db, ctx.clock, ctx.audit, config_, TxEffects::wakeOf(ctx.outbox));
    // Before the port file appears: the console never accepts a token it revoked before a restart.
    revocations_ = std::make_unique<Revocations>(*env_, ctx.revocations);
    revocations_->load();
    accounts_ = std::make_unique<Accounts>(*env_, ctx.issuer, *revocations_);
    // The first admin is made here rather than in started(): the port file
    // and /readyz appear only after this returns, so nobody can reach an
    // appliance that has no account yet.
    // A fresh appliance gets the setup wizard (before its first admin exists).
    SetupWizard::armIfFresh(*env_);
    const auto boot = accounts_->bootstrap(ctx.dataDir);
    if (boot.created && boot.randomPassword) {
        ctx.logger.notice(
            "created the first admin account 'admin'; its one-time password is in %s (mode 0600); "
            "it must be changed at first login",
            boot.file);
    } else if (boot.created) {
        ctx.logger.notice(
            "created the first admin account 'admin' with the password from console.bootstrap_admin_password");
    }
    // The real systemd, over the system bus: connected per request, never at start.
    units_ = std::make_unique<Units>(*env_, systemBackend(), ::getpid());
    samples_ = std::make_unique<ResourceSamples>(*env_, HostProbe("/proc", config_.sampleMounts), [this] {
        std::vector<Reading> out;
        for (const auto& unit : units_->list()) {
            if (unit.memoryBytes)
                out.push_back({"unit.memory_bytes:" + unit.name, static_cast<double>(*unit.memoryBytes)});
        }
        return out;
    });
    peers_ = std::make_unique<PeerStatus>(*env_, ctx.issuer, ctx.trustDir, kServiceName);
    // Vendor access: windows that ended while the console was down are
    // closed, an open one's tunnel restored, leftovers removed -- before
    // anyone can sign in (domain/VendorAccess.h).
    vendor_ = std::make_unique<VendorAccess>(*env_, *revocations_, socketHelper(config_.setup.helperSocket));
    try {
        vendor_->reconcile();
    } catch (const std::exception& e) {
        ctx.logger.error("vendor access: reconciling at start failed: %s", std::string(e.what()));
    }
    router.observe(
        [vendor = vendor_.get()](const Principal& who, const std::string& method, const std::string& path, int status) {
            if (who.kind == Principal::Kind::Staff && who.hasRole("vendor"))
                vendor->recordRequest(who.subject, method, path, status);
        });
    console::registerRoutes(router, *env_, ctx.metrics, *accounts_, *revocations_, *units_, *samples_, *peers_,
                            *vendor_);
}

void ConsoleApp::started(ServiceContext&) {
    samples_->start(Poco::Logger::get("console.samples"));
    peers_->start(Poco::Logger::get("console.peers"));
    vendor_->start(Poco::Logger::get("console.vendor"));
}

void ConsoleApp::stopping() {
    if (samples_) samples_->stop();
    if (peers_) peers_->stop();
    if (vendor_) vendor_->stop();
}

}  // namespace medbox::console
