#include "HisbridgeApp.h"
#include "Routes.h"
#include "hisbridge/EmbeddedFiles.h"
#include "hisbridge/ServiceRow.h"
#include "domain/HisbridgeEnv.h"

namespace medbox::hisbridge {

HisbridgeApp::HisbridgeApp() : ServiceApp(kServiceName, kDefaultPort) {}
HisbridgeApp::~HisbridgeApp() = default;

const std::vector<resources::Resource>& HisbridgeApp::resources() const { return embeddedFiles(); }

void HisbridgeApp::configure(const Settings& settings) { config_ = readHisbridgeConfig(settings); }

void HisbridgeApp::registerRoutes(Router& router, ServiceContext& ctx) {
    env_ = std::make_unique<HisbridgeEnv>(ctx.db, ctx.clock, ctx.audit, config_, TxEffects::wakeOf(ctx.outbox));
    hisbridge::registerRoutes(router, *env_);
}

}  // namespace medbox::hisbridge
