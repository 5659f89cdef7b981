// The poller against a fake console (Poco's HTTP server answering
// GET /api/v1/auth/revocations like the real one): incremental fetches, pages,
// a console that is down or answers nonsense (the last list stays), a list
// that restarted, the metrics, and the thread's clean stop.
#include "core/auth/RevocationPoller.h"
#include "core/auth/Tokens.h"
#include "core/metrics/Metrics.h"
#include "core/testing/TempDir.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

using namespace medbox;

namespace {

constexpr int64_t kNow = 1'767'225'600'000;

// The console's side: a list with seq numbers and the paging of RevocationHandlers.
struct FakeConsole {
    std::mutex mutex;
    std::vector<Revocation> list;
    int page = 1000;
    int status = 200;  // anything else: answered with an error body
    std::string body;  // when set: answered as is
    std::vector<int64_t> afters;
    std::vector<std::string> tokens;

    void add(Revocation r) {
        std::lock_guard lock(mutex);
        r.seq = list.empty() ? 1 : list.back().seq + 1;
        list.push_back(std::move(r));
    }

    std::string answer(int64_t after) {
        int64_t highest = list.empty() ? 0 : list.back().seq;
        std::string entries;
        int n = 0;
        int64_t last = 0;
        for (const auto& r : list) {
            if (r.seq <= after || n == page) continue;
            if (!entries.empty()) entries += ",";
            entries += "{\"seq\":" + std::to_string(r.seq) + ",\"expiresMs\":" + std::to_string(r.expiresMs);
            if (r.kind == Revocation::Kind::Token)
                entries += ",\"kind\":\"token\",\"jti\":\"" + r.value + "\"}";
            else
                entries += ",\"kind\":\"subject\",\"subject\":\"" + r.value +
                           "\",\"cutoffMs\":" + std::to_string(r.cutoffMs) + "}";
            ++n;
            last = r.seq;
        }
        const int64_t nextAfter = n < page ? highest : last;
        return "{\"entries\":[" + entries + "],\"nextAfter\":" + std::to_string(nextAfter) +
               ",\"highestSeq\":" + std::to_string(highest) + "}";
    }
};

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(FakeConsole& c) : c_(c) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        std::lock_guard lock(c_.mutex);
        Poco::URI uri(req.getURI());
        int64_t after = -1;
        for (const auto& [k, v] : uri.getQueryParameters())
            if (k == "after") after = std::stoll(v);
        c_.afters.push_back(after);
        c_.tokens.push_back(req.get("Authorization", ""));
        resp.setContentType("application/json");
        if (uri.getPath() != "/api/v1/auth/revocations" || req.getMethod() != "GET") {
            resp.setStatus(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
            resp.send() << R"({"error":{"code":"not_found","message":"no such endpoint","field":null}})";
            return;
        }
        if (c_.status != 200) {
            resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(c_.status));
            resp.send() << R"({"error":{"code":"unavailable","message":"down for a test","field":null}})";
            return;
        }
        resp.send() << (c_.body.empty() ? c_.answer(after) : c_.body);
    }

private:
    FakeConsole& c_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(FakeConsole& c) : c_(c) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(c_);
    }

private:
    FakeConsole& c_;
};

Principal staff(const std::string& user, const std::string& jti, int64_t issuedAtMs = kNow) {
    Principal p{Principal::Kind::Staff, user, {"nurse"}};
    p.tokenId = jti;
    p.issuedAtMs = issuedAtMs;
    return p;
}

Revocation token(const std::string& jti) { return Revocation{0, Revocation::Kind::Token, jti, kNow, kNow + 900'000}; }

class RevocationPollerTest : public ::testing::Test {
protected:
    void SetUp() override {
        keys::ensureKeyPair(dir_.file("booking.key.pem"), dir_.file("trust/booking.pub.pem"));
        issuer_ = std::make_unique<TokenIssuer>(dir_.file("booking.key.pem"), "booking", clock_);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(console_), socket_,
                                                          new Poco::Net::HTTPServerParams);
        server_->start();
    }
    void TearDown() override { server_->stopAll(true); }

    std::unique_ptr<RevocationPoller> poller(std::string url = {}, int64_t pollMs = 5000) {
        RevocationPollerOptions o;
        o.consoleUrl = url.empty() ? "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/" : url;
        o.pollMs = pollMs;
        o.timeoutSeconds = 2;
        return std::make_unique<RevocationPoller>(set_, clock_, o, "booking", *issuer_, &metrics_);
    }

    std::vector<int64_t> afters() {
        std::lock_guard lock(console_.mutex);
        return console_.afters;
    }

    std::string metric(const std::string& name) {
        const std::string text = metrics_.render();
        const auto at = text.find("\n" + name + " ");
        if (at == std::string::npos) return "<absent>";
        const auto start = at + name.size() + 2;
        return text.substr(start, text.find('\n', start) - start);
    }

    testutil::TempDir dir_;
    ManualClock clock_{kNow};
    RevocationSet set_;
    Metrics metrics_;
    FakeConsole console_;
    std::unique_ptr<TokenIssuer> issuer_;
    Poco::Net::ServerSocket socket_{Poco::Net::SocketAddress("127.0.0.1", 0)};
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace

TEST_F(RevocationPollerTest, FollowsTheConsolesListIncrementallyWithAServiceToken) {
    console_.add(token("j1"));
    console_.add(Revocation{0, Revocation::Kind::Subject, "nurse.b", kNow, kNow + 86'400'000});
    auto p = poller();
    EXPECT_EQ(p->lastSyncMs(), 0);
    ASSERT_TRUE(p->pollOnce());
    EXPECT_TRUE(set_.revoked(staff("nurse.a", "j1")));
    EXPECT_TRUE(set_.revoked(staff("nurse.b", "any")));
    EXPECT_EQ(p->lastSyncMs(), kNow);
    console_.add(token("j3"));
    clock_.advanceMs(5000);
    ASSERT_TRUE(p->pollOnce());
    EXPECT_TRUE(set_.revoked(staff("nurse.a", "j3")));
    EXPECT_EQ(afters(), (std::vector<int64_t>{0, 2}));
    // The console is asked with this service's own token.
    TokenVerifier verifier(dir_.file("trust"), clock_);
    std::string bearer;
    {
        std::lock_guard lock(console_.mutex);
        bearer = console_.tokens.back();
    }
    ASSERT_EQ(bearer.rfind("Bearer ", 0), 0u);
    const auto who = verifier.verify(bearer.substr(7));
    ASSERT_TRUE(who);
    EXPECT_EQ(who->kind, Principal::Kind::Service);
    EXPECT_EQ(who->subject, "booking");
    EXPECT_EQ(metric("medbox_auth_revocation_list_age_seconds"), "0");
}

TEST_F(RevocationPollerTest, ReadsEveryPageInOnePoll) {
    for (int i = 1; i <= 5; ++i) console_.add(token("j" + std::to_string(i)));
    console_.page = 2;
    auto p = poller();
    ASSERT_TRUE(p->pollOnce());
    EXPECT_EQ(set_.size(), 5u);
    EXPECT_EQ(afters(), (std::vector<int64_t>{0, 2, 4}));
}

TEST_F(RevocationPollerTest, AConsoleThatFailsLeavesTheLastListInForce) {
    console_.add(token("j1"));
    auto p = poller();
    ASSERT_TRUE(p->pollOnce());
    console_.status = 503;
    console_.add(token("j2"));
    clock_.advanceMs(12'000);
    EXPECT_FALSE(p->pollOnce());
    EXPECT_FALSE(p->pollOnce());
    EXPECT_TRUE(set_.revoked(staff("nurse.a", "j1")));
    EXPECT_FALSE(set_.revoked(staff("nurse.a", "j2")));
    EXPECT_EQ(p->lastSyncMs(), kNow);
    EXPECT_EQ(metric("medbox_auth_revocation_list_age_seconds"), "12");
    EXPECT_EQ(metric("medbox_auth_revocation_poll_failures_total"), "2");
    // Nonsense is a failure too, and changes nothing.
    console_.status = 200;
    for (const char* body : {"not json", "[]", R"({"entries":[],"nextAfter":"x","highestSeq":1})",
                             R"({"entries":[{"seq":2,"kind":"other","expiresMs":1}],"nextAfter":2,"highestSeq":2})",
                             R"({"entries":[{"seq":2,"kind":"token","expiresMs":1}],"nextAfter":2,"highestSeq":2})",
                             R"({"entries":[],"nextAfter":1,"highestSeq":2})"}) {
        console_.body = body;
        EXPECT_FALSE(p->pollOnce()) << body;
    }
    EXPECT_EQ(set_.size(), 1u);
    // Back: what was missed arrives.
    console_.body.clear();
    ASSERT_TRUE(p->pollOnce());
    EXPECT_TRUE(set_.revoked(staff("nurse.a", "j2")));
    EXPECT_EQ(metric("medbox_auth_revocation_list_age_seconds"), "0");
}

TEST_F(RevocationPollerTest, AConsoleNeverReachedLeavesTheSetEmptyAndTheAgeGrowsFromTheStart) {
    Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::string url = "http://127.0.0.1:" + std::to_string(closed.address().port());
    closed.close();
    auto p = poller(url);
    clock_.advanceMs(3000);
    EXPECT_FALSE(p->pollOnce());
    EXPECT_EQ(p->lastSyncMs(), 0);
    EXPECT_EQ(metric("medbox_auth_revocation_list_age_seconds"), "3");
}

TEST_F(RevocationPollerTest, AListThatRestartedIsReadWholeAndReplacesTheSet) {
    for (int i = 1; i <= 3; ++i) console_.add(token("old" + std::to_string(i)));
    auto p = poller();
    ASSERT_TRUE(p->pollOnce());
    {
        // A restored console database: fewer entries, numbered from 1 again.
        std::lock_guard lock(console_.mutex);
        console_.list.clear();
    }
    console_.add(token("new1"));
    ASSERT_TRUE(p->pollOnce());
    EXPECT_FALSE(set_.revoked(staff("nurse.a", "old1")));
    EXPECT_TRUE(set_.revoked(staff("nurse.a", "new1")));
    EXPECT_EQ(afters(), (std::vector<int64_t>{0, 3, 0}));
}

TEST_F(RevocationPollerTest, TheThreadPollsUntilStopped) {
    auto p = poller({}, 20);
    p->start();
    console_.add(token("j1"));
    for (int i = 0; i < 200 && !set_.revoked(staff("nurse.a", "j1")); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(set_.revoked(staff("nurse.a", "j1")));
    const auto t0 = std::chrono::steady_clock::now();
    p->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
    const size_t polls = afters().size();
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    EXPECT_EQ(afters().size(), polls);
}
