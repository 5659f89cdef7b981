#include "HisbridgeApp.h"
#include "Routes.h"
#include "core/net/MllpFramer.h"
#include "core/net/TcpListener.h"
#include "core/service/PeriodicJob.h"
#include "his/Envelope.h"
#include "domain/HisInbox.h"
#include "domain/HisSender.h"
#include "domain/HisbridgeEnv.h"
#include "domain/Hl7Inbox.h"
#include "domain/PartnerFigures.h"
#include "domain/Retention.h"
#include "hisbridge/EmbeddedFiles.h"
#include "hisbridge/ServiceRow.h"

namespace medbox::hisbridge {

HisbridgeApp::HisbridgeApp() : ServiceApp(kServiceName, kDefaultPort) {}
HisbridgeApp::~HisbridgeApp() = default;

const std::vector<resources::Resource>& HisbridgeApp::resources() const { return embeddedFiles(); }

void HisbridgeApp::configure(const Settings& settings) { config_ = readHisbridgeConfig(settings); }

void HisbridgeApp::registerRoutes(Router& router, ServiceContext& ctx) {
    env_ = std::make_unique<HisbridgeEnv>(ctx.db, ctx.clock, ctx.audit, config_, TxEffects::wakeOf(ctx.outbox));
    inbox_ = std::make_unique<Hl7Inbox>(*env_, &ctx.metrics);
    hisbridge::registerRoutes(router, *env_, *inbox_);
    registerPartnerGauges(ctx.metrics, *env_);
    if (config_.mllpEnabled) {
        // The listener is stopped before the App (and so the inbox) goes away.
        addListener(std::make_unique<net::TcpListener>(
            config_.mllp, std::make_shared<net::MllpFramer>(),
            [inbox = inbox_.get()](std::string_view payload, const net::Peer& peer) -> std::optional<std::string> {
                return inbox->answer(payload, peer.address);
            }));
    }
    hisInbox_ = std::make_unique<HisInbox>(*env_, &ctx.metrics, inbox_.get());
    // P201/P202 to the HIS: looked at every second, and at once after a
    // booking message was stored (wakeHisSender).
    hisSender_ = std::make_unique<HisSender>(*env_, &ctx.metrics);
    senderJob_ = std::make_unique<PeriodicJob>(
        "HIS sender", ctx.clock, 1000, [s = hisSender_.get()] { s->runOnce(); }, Poco::Logger::get("hisbridge.his"));
    env_->wakeHisSender = [job = senderJob_.get()] { job->poke(); };
    senderJob_->start();
    retentionJob_ = std::make_unique<PeriodicJob>(
        "HIS retention", ctx.clock, config_.retentionIntervalMs, [env = env_.get()] { runRetention(*env); },
        Poco::Logger::get("hisbridge.retention"));
    retentionJob_->start();
    if (config_.hisEnabled) {
        addListener(std::make_unique<net::TcpListener>(
            config_.his, his::framer(),
            [inbox = hisInbox_.get()](std::string_view payload, const net::Peer& peer) -> std::optional<std::string> {
                return inbox->answer(payload, peer.address);
            }));
    }
}

}  // namespace medbox::hisbridge
