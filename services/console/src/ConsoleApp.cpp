#include "ConsoleApp.h"

#include "Routes.h"
#include "console/EmbeddedFiles.h"
#include "console/ServiceRow.h"
#include "domain/Accounts.h"
#include "domain/Revocations.h"

namespace medbox::console {

ConsoleApp::ConsoleApp() : ServiceApp(kServiceName, kDefaultPort) {}
ConsoleApp::~ConsoleApp() = default;

const std::vector<resources::Resource>& ConsoleApp::resources() const {
    return embeddedFiles();
}

void ConsoleApp::configure(const Settings& settings) {
    config_ = ConsoleConfig::fromSettings(settings);
}

void ConsoleApp::registerRoutes(Router& router, ServiceContext& ctx) {
    // Before the port file appears: the console never accepts a token it revoked before a restart.
    auto revocations = std::make_unique<Revocations>(ctx.db, ctx.audit, ctx.clock, ctx.revocations);
    revocations->load();
    auto accounts = std::make_unique<Accounts>(ctx.db, ctx.audit, ctx.clock, ctx.issuer, *revocations, config_);
    // The first admin is made here rather than in started(): the port file
    // and /readyz appear only after this returns, so nobody can reach an
    // appliance that has no account yet.
    const auto boot = accounts->bootstrap(ctx.dataDir);
    if (boot.created && boot.randomPassword) {
        ctx.logger.notice("created the first admin account 'admin'; its one-time password is in %s (mode 0600); "
                          "it must be changed at first login",
                          boot.file);
    } else if (boot.created) {
        ctx.logger.notice("created the first admin account 'admin' with the password from console.bootstrap_admin_password");
    }
    routes_ = console::registerRoutes(router, ctx, std::move(revocations), std::move(accounts));
}

}  // namespace medbox::console
