// With N idle keep-alive connections open, how long does a new request take?
// Runs the same tiny handler behind Poco's stock HTTPServer (a pool thread per
// kept-alive connection) and behind medbox's server (idle connections parked
// in epoll), and prints the latency of fresh requests for each.
//
//   bench_idle_connections [idle=1000] [probes=10]
#include "core/http/Server.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

using namespace Poco::Net;

namespace {

class Hello : public HTTPRequestHandler {
public:
    void handleRequest(HTTPServerRequest&, HTTPServerResponse& resp) override {
        resp.setContentType("application/json");
        resp.setContentLength(12);
        resp.send() << "{\"ok\":true}\n";
    }
};
class Factory : public HTTPRequestHandlerFactory {
public:
    HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override { return new Hello; }
};

// Opens `idle` connections and sends one request on each without waiting: on
// Poco's server the first ones are served and then hold their threads idle,
// the rest wait in its queue; on ours all are served and parked.
std::vector<StreamSocket> openIdle(int port, int idle) {
    std::vector<StreamSocket> out;
    const std::string req = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < idle; ++i) {
        try {
            StreamSocket s(SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
            s.sendBytes(req.data(), static_cast<int>(req.size()));
            out.push_back(s);
        } catch (const Poco::Exception& e) {
            std::printf("  could open only %d connections: %s\n", i, e.displayText().c_str());
            break;
        }
    }
    return out;
}

// Latency of fresh connections making one request each; -1 for a timeout.
std::vector<double> probe(int port, int probes, int timeoutSeconds) {
    std::vector<double> ms;
    for (int i = 0; i < probes; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        try {
            HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(port));
            s.setTimeout(Poco::Timespan(timeoutSeconds, 0));
            HTTPRequest rq("GET", "/hello", HTTPMessage::HTTP_1_1);
            s.sendRequest(rq);
            HTTPResponse r;
            std::istream& in = s.receiveResponse(r);
            std::ostringstream sink;
            Poco::StreamCopier::copyStream(in, sink);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        } catch (const Poco::Exception&) {
            ms.push_back(-1);
        }
    }
    return ms;
}

void report(const char* name, std::vector<double> ms, int timeoutSeconds) {
    int timeouts = static_cast<int>(std::count(ms.begin(), ms.end(), -1.0));
    ms.erase(std::remove(ms.begin(), ms.end(), -1.0), ms.end());
    std::sort(ms.begin(), ms.end());
    if (ms.empty()) {
        std::printf("%-28s all %d probes timed out (> %d s)\n", name, timeouts, timeoutSeconds);
        return;
    }
    std::printf("%-28s answered %zu, timed out %d (> %d s); median %.2f ms, max %.2f ms\n", name, ms.size(), timeouts,
                timeoutSeconds, ms[ms.size() / 2], ms.back());
}

}  // namespace

int main(int argc, char** argv) {
    int idle = argc > 1 ? std::atoi(argv[1]) : 1000;
    int probes = argc > 2 ? std::atoi(argv[2]) : 10;
    const int timeoutSeconds = 2;
    std::printf("idle keep-alive connections: %d, probes: %d\n", idle, probes);

    {  // Poco's stock server, as a service would configure it: 16 threads, 30 s keep-alive.
        auto* params = new HTTPServerParams;
        params->setMaxThreads(16);
        params->setMaxQueued(2000);
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(Poco::Timespan(30, 0));
        ServerSocket sock(SocketAddress("127.0.0.1", 0));
        HTTPServer server(new Factory, sock, params);
        server.start();
        auto conns = openIdle(sock.address().port(), idle);
        report("Poco HTTPServer (16 threads)", probe(sock.address().port(), probes, timeoutSeconds), timeoutSeconds);
        for (auto& c : conns) c.close();
        server.stopAll(true);
    }
    {
        medbox::Router router;
        router.get("/hello", medbox::Access::anyone(),
                   [](medbox::Request&, medbox::Reply& rp) { rp.rawJson("{\"ok\":true}\n"); });
        medbox::ServerOptions o;
        o.workers = 8;
        o.serviceName = "bench";
        medbox::Server server(o, router, nullptr, nullptr);
        server.start();
        auto conns = openIdle(server.port(), idle);
        report("medbox Server (8 workers)", probe(server.port(), probes, timeoutSeconds), timeoutSeconds);
        for (auto& c : conns) c.close();
        server.stop();
    }
}
