#pragma once
// Base of every medbox service (a Poco ServerApplication). initialize() loads
// and validates configuration, sets up logging, opens the database (applying
// migrations), keys and TLS; main() fetches the revoked staff tokens, starts
// the outbox dispatcher, the revocation poller and the HTTP server, reports
// READY=1 to systemd (no-op without NOTIFY_SOCKET), feeds the watchdog while
// the server loop is alive, and waits for SIGTERM/SIGINT.
//
// Every service gets GET /healthz, /readyz, /metrics, /openapi.json and the
// /api/v1/system/ routes (integrity, audit, backlog).
// Configuration keys common to all services are listed in docs/configuration.md.
#include "core/http/Router.h"
#include "core/util/Resources.h"
#include "core/service/ServiceContext.h"
#include <Poco/Util/ServerApplication.h>
#include <memory>
#include <string>
#include <vector>

namespace medbox {

class Server;
namespace net {
class TcpListener;
}

class ServiceApp : public Poco::Util::ServerApplication {
public:
    explicit ServiceApp(std::string name, int defaultPort);
    ~ServiceApp() override;

protected:
    // The service's embedded files (migrations/, web/, web/openapi.json).
    virtual const std::vector<resources::Resource>& resources() const = 0;
    // Registers the service's routes (its Routes.cpp). Called once, after the
    // database is open; ctx lives until exit.
    virtual void registerRoutes(Router& router, ServiceContext& ctx) = 0;
    // Reads service-specific configuration keys (all must be read here or in
    // registerRoutes, so unknown keys can be rejected). Optional.
    virtual void configure(const Settings&) {}
    // After the server is listening (start background jobs); before exit (stop them).
    virtual void started(ServiceContext&) {}
    virtual void stopping() {}
    // True for the service that keeps the list of revoked staff tokens (the
    // console) and fills ctx.revocations itself; every other service copies
    // that list from the console (auth.console_url, core/auth/RevocationPoller.h).
    virtual bool ownsRevocations() const { return false; }
    // Another listener beside the HTTP server (an MLLP port, a HIS socket;
    // core/net/TcpListener.h, docs/tcp-listener.md), added from configure()
    // or registerRoutes(). ServiceApp starts it after the HTTP server (a port
    // it cannot bind stops the start, as for HTTP), pets the watchdog only
    // while its accept loop turns too, and stops it first at exit.
    void addListener(std::unique_ptr<net::TcpListener> listener);

    void initialize(Poco::Util::Application& self) override;
    void uninitialize() override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    int main(const std::vector<std::string>& args) override;

private:
    void handleSet(const std::string& name, const std::string& value);
    void handleConfig(const std::string& name, const std::string& value);
    void handleHelp(const std::string& name, const std::string& value);
    void registerCoreRoutes();
    // GET /api/v1/system/audit: this service's audit rows, filtered (docs/audit.md).
    void serveAudit(Request& rq, Reply& rp);

    struct State;
    std::string name_;
    int defaultPort_;
    std::unique_ptr<State> s_;
    bool helpRequested_ = false;
};

// sd_notify wrappers (no-ops without NOTIFY_SOCKET).
namespace notify {
void ready(const std::string& status);
void stopping();
void status(const std::string& status);
// Watchdog interval in ms from WATCHDOG_USEC, 0 if disabled.
int64_t watchdogIntervalMs();
void watchdog();
}

}  // namespace medbox
