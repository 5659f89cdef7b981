// Request framing on a real server, over plain TCP and over TLS: a body is
// never run as the next request, requests that cannot be framed one way are
// refused with the documented error shape and the connection closed.
#include "core/http/Server.h"
#include "core/net/Tls.h"
#include "core/testing/TempDir.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace medbox;
using namespace Poco::Net;

namespace {

struct Response {
    int status = 0;
    std::string head;
    std::string body;
};

// Splits what a server sent into responses (each framed by Content-Length).
std::vector<Response> responses(const std::string& got) {
    std::vector<Response> out;
    size_t pos = 0;
    while (pos < got.size()) {
        size_t end = got.find("\r\n\r\n", pos);
        if (end == std::string::npos || got.compare(pos, 5, "HTTP/") != 0) break;
        Response r;
        r.head = got.substr(pos, end + 4 - pos);
        r.status = std::stoi(r.head.substr(9, 3));
        pos = end + 4;
        size_t cl = r.head.find("Content-Length: ");
        if (r.status == 100) {
            out.push_back(r);
            continue;
        }
        size_t n = cl == std::string::npos ? 0 : std::stoul(r.head.substr(cl + 16));
        r.body = got.substr(pos, n);
        if (r.body.size() < n) r.body += "<truncated>";
        pos += n;
        out.push_back(r);
    }
    return out;
}

class FramingTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        router_.get("/hello/{name}", Access::anyone(),
                    [](Request& rq, Reply& rp) { rp.rawJson("{\"hello\":\"" + rq.param("name") + "\"}"); });
        router_.get("/openapi.json", Access::anyone(), [this](Request&, Reply& rp) {
            ++smuggled_;
            rp.rawJson("{}");
        });
        router_.post("/echo", Access::anyone(), [](Request& rq, Reply& rp) {
            rp.status(201);
            rp.content("text/plain", rq.body());
        });
        ServerOptions o;
        o.workers = 2;
        o.maxBodyBytes = 1024;
        o.ioTimeoutSeconds = 3;
        o.requestTimeoutSeconds = 1;
        o.serviceName = "test";
        if (tls()) {
            tls::ensureSelfSigned(dir_.file("cert.pem"), dir_.file("key.pem"), {"127.0.0.1"}, "test");
            o.tls = tls::serverContext(dir_.file("cert.pem"), dir_.file("key.pem"));
        }
        server_ = std::make_unique<Server>(o, router_, nullptr, nullptr);
        server_->start();
    }
    void TearDown() override { server_->stop(); }
    bool tls() const { return GetParam(); }

    StreamSocket connect() {
        SocketAddress at("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
        if (!tls()) return StreamSocket(at);
        Context::Ptr ctx = new Context(Context::TLS_CLIENT_USE, "", Context::VERIFY_NONE);
        return SecureStreamSocket(at, ctx);
    }

    // Sends the pieces (pausing between them) and reads until the server
    // closes the connection or goes quiet for a second.
    std::string exchange(const std::vector<std::string>& pieces, int pauseMs = 0) {
        StreamSocket s = connect();
        s.setReceiveTimeout(Poco::Timespan(1, 0));
        for (const auto& p : pieces) {
            s.sendBytes(p.data(), static_cast<int>(p.size()));
            if (pauseMs) std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs));
        }
        std::string got;
        char buf[4096];
        try {
            while (true) {
                int n = s.receiveBytes(buf, sizeof buf);
                if (n <= 0) break;
                got.append(buf, static_cast<size_t>(n));
            }
        } catch (const Poco::TimeoutException&) {
        }
        return got;
    }

    testutil::TempDir dir_;
    Router router_;
    std::unique_ptr<Server> server_;
    std::atomic<int> smuggled_{0};
};

const std::string kSmuggled = "GET /openapi.json HTTP/1.1\r\nHost: y\r\n\r\n";
const std::string kNext = "GET /hello/next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

void expectRefusal(const Response& r, int status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.head;
    EXPECT_NE(r.body.find("\"code\":\"" + code + "\""), std::string::npos) << r.body;
    EXPECT_NE(r.head.find("Connection: Close\r\n"), std::string::npos) << r.head;
    EXPECT_NE(r.head.find("X-Request-Id: "), std::string::npos) << r.head;
    EXPECT_NE(r.head.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos) << r.head;
    EXPECT_NE(r.head.find("Content-Security-Policy: "), std::string::npos) << r.head;
}

}  // namespace

TEST_P(FramingTest, ABodyOnAGetIsReadNotRunAsTheNextRequest) {
    auto got = responses(exchange({"GET /hello/a HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                   std::to_string(kSmuggled.size()) + "\r\n\r\n" + kSmuggled + kNext}));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].body, "{\"hello\":\"a\"}");
    EXPECT_EQ(got[1].body, "{\"hello\":\"next\"}");
    EXPECT_EQ(smuggled_, 0);
}

TEST_P(FramingTest, TwoDifferentLengthsAreRefusedAndTheConnectionClosed) {
    auto got = responses(
        exchange({"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab" + kNext}));
    ASSERT_EQ(got.size(), 1u);
    expectRefusal(got[0], 400, "bad_request");
}

TEST_P(FramingTest, LengthAndChunkedTogetherAreRefused) {
    std::string chunk = "0\r\n\r\n" + kSmuggled;
    auto got = responses(exchange(
        {"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk}));
    ASSERT_EQ(got.size(), 1u);
    expectRefusal(got[0], 400, "bad_request");
    EXPECT_EQ(smuggled_, 0);
}

TEST_P(FramingTest, AChunkedBodyIsDecodedAndTheNextRequestServed) {
    auto got = responses(
        exchange({"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n" +
                  kNext}));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].status, 201);
    EXPECT_EQ(got[0].body, "hello world");
    EXPECT_EQ(got[1].body, "{\"hello\":\"next\"}");
}

TEST_P(FramingTest, AMalformedChunkIsRefused) {
    auto got = responses(exchange(
        {"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n" + kNext}));
    ASSERT_EQ(got.size(), 1u);
    expectRefusal(got[0], 400, "bad_request");
}

TEST_P(FramingTest, HeadersTooLargeGet431WithTheWholeErrorBody) {
    auto got = responses(
        exchange({"GET /hello/a HTTP/1.1\r\nHost: x\r\nX-Long: " + std::string(9000, 'a') + "\r\n\r\n"}));
    ASSERT_EQ(got.size(), 1u);
    expectRefusal(got[0], 431, "headers_too_large");
    EXPECT_EQ(got[0].head.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u) << got[0].head;
}

TEST_P(FramingTest, ARequestLineWithoutVersionGets400WithTheWholeErrorBody) {
    auto got = responses(exchange({"GET /hello/a\r\nHost: x\r\n\r\n"}));
    ASSERT_EQ(got.size(), 1u);
    expectRefusal(got[0], 400, "bad_request");
    EXPECT_EQ(got[0].head.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << got[0].head;
}

TEST_P(FramingTest, ObsoleteFoldingAndBareLineFeedsAreRefused) {
    for (std::string bad : {"GET /hello/a HTTP/1.1\r\nHost: x\r\nX: 1\r\n 2\r\n\r\n",
                            "GET /hello/a HTTP/1.1\nHost: x\n\n", "GET /hello/a HTTP/1.1\r\nHost : x\r\n\r\n"}) {
        auto got = responses(exchange({bad}));
        ASSERT_EQ(got.size(), 1u) << bad;
        expectRefusal(got[0], 400, "bad_request");
    }
}

TEST_P(FramingTest, ExpectContinueIsAnsweredBeforeTheBody) {
    StreamSocket s = connect();
    s.setReceiveTimeout(Poco::Timespan(3, 0));
    std::string head =
        "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n";
    s.sendBytes(head.data(), static_cast<int>(head.size()));
    char buf[4096];
    int n = s.receiveBytes(buf, sizeof buf);
    ASSERT_GT(n, 0);
    EXPECT_EQ(std::string(buf, static_cast<size_t>(n)), "HTTP/1.1 100 Continue\r\n\r\n");
    s.sendBytes("ok", 2);
    std::string got;
    while ((n = s.receiveBytes(buf, sizeof buf)) > 0) got.append(buf, static_cast<size_t>(n));
    auto r = responses(got);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].body, "ok");
}

TEST_P(FramingTest, ARequestThatTricklesInGets408) {
    auto got = responses(exchange({"GET /hello/a HTTP/1.1\r\n", "Host: x\r\n", "X: 1\r\n", "\r\n"}, 600));
    ASSERT_EQ(got.size(), 1u);
    expectRefusal(got[0], 408, "request_timeout");
}

TEST_P(FramingTest, ABodyOverTheLimitIsRefusedBeforeItIsRead) {
    auto got = responses(exchange({"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"}));
    ASSERT_EQ(got.size(), 1u);
    expectRefusal(got[0], 413, "payload_too_large");
}

INSTANTIATE_TEST_SUITE_P(PlainAndTls, FramingTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Tls" : "Plain"; });
