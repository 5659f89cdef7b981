#include "@Name@App.h"
#include "Routes.h"
#include "@name@/EmbeddedFiles.h"
#include "@name@/ServiceRow.h"
#include "domain/@Name@Env.h"

namespace medbox::@name@ {

@Name@App::@Name@App() : ServiceApp(kServiceName, kDefaultPort) {}
@Name@App::~@Name@App() = default;

const std::vector<resources::Resource>& @Name@App::resources() const { return embeddedFiles(); }

void @Name@App::configure(const Settings& settings) { config_ = read@Name@Config(settings); }

void @Name@App::registerRoutes(Router& router, ServiceContext& ctx) {
    env_ = std::make_unique<@Name@Env>(ctx.db, ctx.clock, ctx.audit, config_, TxEffects::wakeOf(ctx.outbox));
    @name@::registerRoutes(router, *env_);
}

}  // namespace medbox::@name@
