#include "core/error/AppError.h"
#include "core/http/Server.h"
#include "core/metrics/Metrics.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <chrono>
#include <sstream>

using namespace medbox;
using namespace Poco::Net;

namespace {

struct Answer {
    int status;
    std::string body;
    HTTPResponse response;
};

Answer call(HTTPClientSession& s, const std::string& method, const std::string& path, const std::string& body = {},
            const std::string& contentType = "application/json", const std::string& auth = {}) {
    HTTPRequest rq(method, path, HTTPMessage::HTTP_1_1);
    if (!auth.empty()) rq.set("Authorization", auth);
    if (!body.empty() || method == "POST") {
        rq.setContentType(contentType);
        rq.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    s.sendRequest(rq) << body;
    Answer a;
    std::istream& in = s.receiveResponse(a.response);
    std::ostringstream os;
    Poco::StreamCopier::copyStream(in, os);
    a.status = a.response.getStatus();
    a.body = os.str();
    return a;
}

// Sends raw bytes and reads until the server closes or `responses` status lines arrived.
std::string raw(int port, const std::string& bytes, int responses) {
    StreamSocket s(SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
    s.setReceiveTimeout(Poco::Timespan(5, 0));
    s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string got;
    char buf[4096];
    auto count = [&] {
        int n = 0;
        for (size_t p = got.find("HTTP/1.1 "); p != std::string::npos; p = got.find("HTTP/1.1 ", p + 1)) ++n;
        return n;
    };
    while (count() < responses) {
        int n = s.receiveBytes(buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
    }
    return got;
}

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        router_.get("/hello/{name}", Access::anyone(), [this](Request& rq, Reply& rp) {
            ++calls_;
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("hello", rq.param("name"));
            rp.json(o);
        });
        router_.post("/echo", Access::anyone(), [this](Request& rq, Reply& rp) {
            ++calls_;
            auto b = rq.json();
            b.allowOnly({"n", "s"});
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("n", b.integer("n", 1, 10));
            o->set("s", b.str("s", 5));
            rp.status(201);
            rp.json(o);
        });
        router_.get("/staff-only", Access::staff({"admin"}), [this](Request&, Reply&) { ++calls_; });
        router_.get("/boom", Access::anyone(), [](Request&, Reply&) { throw std::runtime_error("kaboom"); });
        ServerOptions o;
        o.port = 0;
        o.workers = 4;
        o.maxBodyBytes = 1024;
        o.keepAliveSeconds = 30;
        o.ioTimeoutSeconds = 2;
        o.serviceName = "test";
        server_ = std::make_unique<Server>(o, router_, nullptr, &metrics_);
        server_->start();
    }
    void TearDown() override { server_->stop(); }
    std::unique_ptr<HTTPClientSession> session() {
        auto s = std::make_unique<HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
        s->setTimeout(Poco::Timespan(5, 0));
        s->setKeepAlive(true);
        return s;
    }

    Router router_;
    Metrics metrics_;
    std::unique_ptr<Server> server_;
    std::atomic<int> calls_{0};
};

}  // namespace

TEST_F(ServerTest, RoutesWithPathParametersAndSecurityHeaders) {
    auto s = session();
    auto a = call(*s, "GET", "/hello/%E5%BC%A0");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, "{\"hello\":\"张\"}");
    EXPECT_EQ(a.response.get("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(a.response.get("Cache-Control"), "no-store");
    EXPECT_TRUE(a.response.has("X-Request-Id"));
}

TEST_F(ServerTest, ErrorsHaveOneShape) {
    auto s = session();
    auto nf = call(*s, "GET", "/nope");
    EXPECT_EQ(nf.status, 404);
    EXPECT_NE(nf.body.find("\"code\":\"not_found\""), std::string::npos) << nf.body;
    auto m = call(*s, "DELETE", "/hello/x");
    EXPECT_EQ(m.status, 405);
    EXPECT_EQ(m.response.get("Allow", ""), "GET, HEAD");  // RFC 9110, 15.5.6
    EXPECT_EQ(call(*s, "GET", "/echo").response.get("Allow", ""), "POST");
    auto bad = call(*s, "POST", "/echo", "{\"n\": \"three\", \"s\": \"ok\"}");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("\"field\":\"n\""), std::string::npos) << bad.body;
    auto unknown = call(*s, "POST", "/echo", "{\"n\": 3, \"s\": \"ok\", \"x\": 1}");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_NE(unknown.body.find("\"code\":\"unknown_field\""), std::string::npos) << unknown.body;
    auto notJson = call(*s, "POST", "/echo", "{n:", "application/json");
    EXPECT_EQ(notJson.status, 400);
    auto wrongType = call(*s, "POST", "/echo", "n=3", "application/x-www-form-urlencoded");
    EXPECT_EQ(wrongType.status, 415);
    auto ok = call(*session(), "POST", "/echo", "{\"n\": 3, \"s\": \"五个字符串\"}");
    EXPECT_EQ(ok.status, 201) << ok.body;
    auto tooLong = call(*session(), "POST", "/echo", "{\"n\": 3, \"s\": \"六个字符串啊\"}");
    EXPECT_EQ(tooLong.status, 400);
}

TEST_F(ServerTest, OversizeBodyIsRefusedBeforeTheHandlerRuns) {
    auto s = session();
    std::string big = "{\"s\":\"" + std::string(4000, 'a') + "\",\"n\":1}";
    auto a = call(*s, "POST", "/echo", big);
    EXPECT_EQ(a.status, 413);
    EXPECT_NE(a.body.find("payload_too_large"), std::string::npos);
    EXPECT_EQ(calls_, 0);  // refused while reading, before any handler runs
}

TEST_F(ServerTest, HandlerExceptionsBecome500WithoutKillingTheServer) {
    auto s = session();
    auto a = call(*s, "GET", "/boom");
    EXPECT_EQ(a.status, 500);
    EXPECT_EQ(a.body.find("kaboom"), std::string::npos) << "internal details must not leak";
    EXPECT_EQ(call(*session(), "GET", "/hello/x").status, 200);
}

TEST_F(ServerTest, ProtectedRouteNeedsAToken) {
    auto a = call(*session(), "GET", "/staff-only");
    EXPECT_EQ(a.status, 401);
    EXPECT_EQ(a.response.get("WWW-Authenticate"), "Bearer");
    auto s = session();
    auto b = call(*s, "GET", "/staff-only", {}, {}, "Bearer not.a.token");
    EXPECT_EQ(b.status, 401);
    auto c = call(*s, "GET", "/staff-only", {}, {}, "Basic Zm9vOmJhcg==");
    EXPECT_EQ(c.status, 401);
    EXPECT_EQ(calls_, 0);
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    auto s = session();
    for (int i = 0; i < 20; ++i) ASSERT_EQ(call(*s, "GET", "/hello/" + std::to_string(i)).status, 200);
    EXPECT_EQ(server_->openConnections(), 1u);
}

TEST_F(ServerTest, PipelinedRequestsAreAllAnswered) {
    std::string two = "GET /hello/a HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/b HTTP/1.1\r\nHost: x\r\n\r\n";
    std::string got = raw(server_->port(), two, 2);
    EXPECT_NE(got.find("\"hello\":\"a\""), std::string::npos) << got;
    EXPECT_NE(got.find("\"hello\":\"b\""), std::string::npos) << got;
}

TEST_F(ServerTest, MalformedRequestGets400) {
    std::string got = raw(server_->port(), "THIS IS NOT HTTP\r\n\r\n", 1);
    EXPECT_NE(got.find("HTTP/1.1 400"), std::string::npos) << got;
}

TEST_F(ServerTest, ClientThatDisconnectsMidBodyChangesNothing) {
    {
        StreamSocket s(SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server_->port())));
        std::string partial =
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"n\":";
        s.sendBytes(partial.data(), static_cast<int>(partial.size()));
        s.close();
    }
    // The server survives and still answers.
    EXPECT_EQ(call(*session(), "GET", "/hello/after").status, 200);
}

// "curl -X POST URL" sends neither Content-Length nor a chunked body: the
// request has no body, and the next request on the connection is not read as one.
TEST_F(ServerTest, PostWithoutContentLengthHasNoBody) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string got = raw(server_->port(),
                          "POST /echo HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/next HTTP/1.1\r\nHost: x\r\n\r\n", 2);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1)) << "waited for a body that never comes";
    EXPECT_EQ(got.rfind("HTTP/1.1 415", 0), 0u) << got;  // no Content-Type: refused, promptly
    EXPECT_NE(got.find("\"hello\":\"next\""), std::string::npos) << got;
}

// Poco's own HTTPServer keeps a pool thread per idle keep-alive connection, so
// a thousand idle clients starve a new one. Here idle connections are parked.
TEST_F(ServerTest, ThousandIdleKeepAliveConnectionsDoNotStarveANewRequest) {
    std::vector<StreamSocket> idle;
    const std::string req = "GET /hello/idle HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < 1000; ++i) {
        idle.emplace_back(SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server_->port())));
        if (i % 2 == 0) idle.back().sendBytes(req.data(), static_cast<int>(req.size()));  // half served, then idle
    }
    auto s = session();
    auto a = call(*s, "GET", "/hello/new");
    EXPECT_EQ(a.status, 200);
    EXPECT_GE(server_->openConnections(), 1000u);
}

// The workers run below the process's priority (the database writer keeps it).
TEST_F(ServerTest, WorkersRunAtTheirNiceValue) {
    errno = 0;
    const int base = getpriority(PRIO_PROCESS, 0);
    ASSERT_EQ(errno, 0);
    std::map<int, int> niceOfWorker;  // tid -> nice
    for (int attempt = 0; attempt < 100; ++attempt) {
        niceOfWorker.clear();
        for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
            std::ifstream comm(task.path() / "comm");
            std::string name;
            std::getline(comm, name);
            if (name != "http-worker") continue;
            const int tid = std::stoi(task.path().filename().string());
            errno = 0;
            const int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
            if (errno == 0) niceOfWorker[tid] = nice;
        }
        if (niceOfWorker.size() == 4 && std::all_of(niceOfWorker.begin(), niceOfWorker.end(),
                                                    [&](auto& w) { return w.second == std::min(19, base + 5); }))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(niceOfWorker.size(), 4u) << "workers named http-worker";
    for (const auto& [tid, nice] : niceOfWorker) EXPECT_EQ(nice, std::min(19, base + 5)) << "worker " << tid;
    EXPECT_EQ(getpriority(PRIO_PROCESS, 0), base) << "the test's own thread must keep its priority";
}

TEST_F(ServerTest, MetricsCountRequestsPerRoute) {
    auto s = session();
    call(*s, "GET", "/hello/a");
    call(*s, "GET", "/nope");
    std::string text = metrics_.render();
    EXPECT_NE(text.find("medbox_http_requests_total{route=\"GET /hello/{name}\",code=\"2xx\"} 1"), std::string::npos)
        << text;
    EXPECT_NE(text.find("medbox_http_requests_total{route=\"unmatched\",code=\"4xx\"} 1"), std::string::npos) << text;
}

#include "core/net/Tls.h"
#include "core/testing/TempDir.h"

#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/File.h>

// Real TLS: a self-signed certificate made like on first start, a client that
// verifies it through the trust folder, several requests on one connection.
TEST(ServerTlsTest, ServesHttpsVerifiedAgainstTheTrustFolder) {
    testutil::TempDir dir;
    std::string cert = dir.file("tls/svc.crt"), key = dir.file("tls/svc.key");
    tls::ensureSelfSigned(cert, key, {"localhost", "127.0.0.1"}, "medbox test");
    Poco::File(dir.file("trust")).createDirectories();
    Poco::File(cert).copyTo(dir.file("trust/svc.crt"));

    Router router;
    router.get("/ping", Access::anyone(), [](Request&, Reply& rp) { rp.rawJson("{\"pong\":true}"); });
    ServerOptions o;
    o.tls = tls::serverContext(cert, key);
    o.serviceName = "tlstest";
    Server server(o, router, nullptr, nullptr);
    server.start();

    HTTPSClientSession s("localhost", static_cast<Poco::UInt16>(server.port()), tls::clientContext(dir.file("trust")));
    s.setKeepAlive(true);
    s.setTimeout(Poco::Timespan(5, 0));
    for (int i = 0; i < 3; ++i) {
        auto a = call(s, "GET", "/ping");
        EXPECT_EQ(a.status, 200);
        EXPECT_EQ(a.body, "{\"pong\":true}");
        EXPECT_EQ(a.response.get("Strict-Transport-Security"), "max-age=31536000");
    }
    EXPECT_EQ(server.openConnections(), 1u);

    // A client that trusts nothing of ours must fail the handshake.
    testutil::TempDir empty;
    HTTPSClientSession stranger("localhost", static_cast<Poco::UInt16>(server.port()),
                                tls::clientContext(empty.path()));
    stranger.setTimeout(Poco::Timespan(5, 0));
    HTTPRequest rq("GET", "/ping", HTTPMessage::HTTP_1_1);
    EXPECT_ANY_THROW(stranger.sendRequest(rq));
    server.stop();
}

#include "core/auth/RevocationSet.h"
#include "core/auth/Tokens.h"

// The server caches verified tokens; a token revoked after it was cached
// must still be refused at the next request, with the usual 401 shape.
TEST(ServerAuthTest, ATokenRevokedAfterItWasCachedIsRefused) {
    testutil::TempDir dir;
    keys::ensureKeyPair(dir.file("console.key.pem"), dir.file("trust/console.pub.pem"));
    SystemClock clock;
    RevocationSet revoked;
    TokenIssuer console(dir.file("console.key.pem"), "console", clock);
    TokenVerifier verifier(dir.file("trust"), clock, "medbox", &revoked);
    Router router;
    router.get("/staff-only", Access::staff({"nurse"}), [](Request&, Reply&) {});
    ServerOptions o;
    o.serviceName = "authtest";
    o.workers = 2;
    Server server(o, router, &verifier, nullptr);
    server.start();
    HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(server.port()));
    s.setKeepAlive(true);
    s.setTimeout(Poco::Timespan(5, 0));

    const std::string mine = console.issue(Principal{Principal::Kind::Staff, "nurse.a", {"nurse"}}, 600);
    const std::string other = console.issue(Principal{Principal::Kind::Staff, "nurse.b", {"nurse"}}, 600);
    EXPECT_EQ(call(s, "GET", "/staff-only", {}, {}, "Bearer " + mine).status, 200);  // now cached
    EXPECT_EQ(call(s, "GET", "/staff-only", {}, {}, "Bearer " + other).status, 200);
    std::string why;
    const auto p = verifier.verify(mine, &why);
    ASSERT_TRUE(p) << why;
    revoked.add({Revocation{1, Revocation::Kind::Token, p->tokenId, clock.nowMs(), p->expiresMs}}, clock.nowMs());

    auto a = call(s, "GET", "/staff-only", {}, {}, "Bearer " + mine);
    EXPECT_EQ(a.status, 401);
    EXPECT_NE(a.body.find("\"code\":\"unauthenticated\""), std::string::npos) << a.body;
    EXPECT_NE(a.body.find("token was revoked"), std::string::npos) << a.body;
    EXPECT_EQ(a.response.get("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(call(s, "GET", "/staff-only", {}, {}, "Bearer " + other).status, 200);
    server.stop();
}

// 204 No Content: no body and no Content-Length (RFC 9110), and the
// connection stays usable for the next request.
TEST(ServerNoContentTest, Answers204WithoutABody) {
    Router router;
    router.post("/gone", Access::anyone(), [](Request&, Reply& rp) {
        rp.status(204);
        rp.content("application/json", "");
    });
    router.get("/ping", Access::anyone(), [](Request&, Reply& rp) { rp.rawJson("{\"pong\":true}"); });
    ServerOptions o;
    o.serviceName = "nocontent";
    o.workers = 1;
    Server server(o, router, nullptr, nullptr);
    server.start();
    HTTPClientSession s("127.0.0.1", static_cast<Poco::UInt16>(server.port()));
    s.setKeepAlive(true);
    s.setTimeout(Poco::Timespan(5, 0));
    auto a = call(s, "POST", "/gone");
    EXPECT_EQ(a.status, 204);
    EXPECT_TRUE(a.body.empty());
    EXPECT_FALSE(a.response.has("Content-Length"));
    EXPECT_EQ(call(s, "GET", "/ping").body, "{\"pong\":true}");
    EXPECT_EQ(server.openConnections(), 1u);
    server.stop();
}
