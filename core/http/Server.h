#pragma once
// The HTTP(S) server. Poco's HTTPServer holds a pool thread for every
// kept-alive connection for its whole idle time, so 1,000 idle clients starve
// new requests. Here an epoll loop parks idle connections and hands a
// connection to a worker only when bytes arrive; workers serve one request
// (or a pipelined batch) and park it again. See docs/http-server.md.
// Owned by ServiceApp; start() spawns the loop and workers, stop() joins them.
#include "core/http/Router.h"
#include <Poco/Net/Context.h>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace medbox {

class TokenVerifier;
class Metrics;

struct ServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;      // 0 picks a free port (tests)
    int workers = 32;  // http.workers: busy only while serving a request
    // http.worker_nice: the workers' nice value above the process's. Requests
    // are served in parallel, but every write passes the database's single
    // writer thread (which keeps the process's priority): at +5 a burst of
    // requests no longer preempts it (docs/http-server.md).
    int workerNice = 5;
    int maxConnections = 10'000;     // beyond: accepted and closed at once
    int keepAliveSeconds = 30;       // idle parked connection lifetime
    int ioTimeoutSeconds = 15;       // per read/write: bounds slow clients
    int requestTimeoutSeconds = 30;  // a whole request, once its first bytes arrived (408)
    int maxKeepAliveRequests = 10'000;
    size_t maxBodyBytes = 64 * 1024;  // longer bodies: 413, whatever the method
    Poco::Net::Context::Ptr tls;      // null: plain HTTP
    // http.staff_cookie: accept the staff sign-in cookie (staff pages,
    // docs/web.md); off where no staff page is served (the portal).
    bool staffCookie = true;
    std::string serviceName;  // Server header is not sent; used in logs
};

class Server {
public:
    Server(ServerOptions opts, const Router& router, const TokenVerifier* verifier, Metrics* metrics);
    ~Server();
    void start();
    void stop();
    int port() const;
    // Time of the event loop's last turn (ms, steady clock), for the watchdog.
    int64_t lastLoopMs() const;
    size_t openConnections() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace medbox
