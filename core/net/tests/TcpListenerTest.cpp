// TcpListener on real loopback sockets (port 0): frames split across reads
// and several in one read, oversize frames and garbage, a peer that sends half
// a frame and hangs while another is served, the connection limit, the read,
// idle and write timeouts (short ones), a failing handler, and a clean stop.
#include "core/net/LengthPrefixFramer.h"
#include "core/net/MllpFramer.h"
#include "core/net/TcpListener.h"
#include "core/testing/FrameClient.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace medbox::net;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

using Client = medbox::testutil::FrameClient;

namespace {

class TcpListenerTest : public ::testing::Test {
protected:
    // An echo service: answers "ack:" + the message, remembers what it got.
    std::unique_ptr<TcpListener> listen(TcpListenerOptions o = {}, std::shared_ptr<const Framer> framer = nullptr) {
        o.name = "test";
        if (!framer) framer = mllp_;
        auto l = std::make_unique<TcpListener>(o, framer,
                                               [this](std::string_view payload,
                                                      const Peer&) -> std::optional<std::string> {
                                                   if (payload == "throw")
                                                       throw std::runtime_error("handler failed on purpose");
                                                   if (payload == "silent") return std::nullopt;
                                                   if (payload == "huge") return std::string(32 << 20, 'h');
                                                   std::lock_guard lock(mutex_);
                                                   got_.emplace_back(payload);
                                                   return "ack:" + std::string(payload);
                                               });
        l->start();
        return l;
    }
    std::vector<std::string> got() {
        std::lock_guard lock(mutex_);
        return got_;
    }
    static bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 3000ms) {
        const auto until = Clock::now() + timeout;
        while (!cond()) {
            if (Clock::now() > until) return false;
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }

    std::shared_ptr<const MllpFramer> mllp_ = std::make_shared<MllpFramer>();
    std::mutex mutex_;
    std::vector<std::string> got_;
};

}  // namespace

TEST_F(TcpListenerTest, AFrameSplitAcrossReadsIsJoined) {
    auto l = listen();
    Client c(l->port());
    const std::string whole = mllp_->wrap("MSH|split");
    for (size_t at = 0; at < whole.size(); at += 3) {
        c.send(whole.substr(at, 3));
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(c.frame(*mllp_), "ack:MSH|split");
    EXPECT_EQ(got(), (std::vector<std::string>{"MSH|split"}));
}

TEST_F(TcpListenerTest, SeveralFramesInOneReadAreEachAnsweredInOrder) {
    auto l = listen();
    Client c(l->port());
    c.send(mllp_->wrap("one") + mllp_->wrap("silent") + mllp_->wrap("two") + mllp_->wrap("three"));
    EXPECT_EQ(c.frame(*mllp_), "ack:one");
    EXPECT_EQ(c.frame(*mllp_), "ack:two");
    EXPECT_EQ(c.frame(*mllp_), "ack:three");
}

TEST_F(TcpListenerTest, AShortConnectionListenerAnswersOneFrameThenCloses) {
    TcpListenerOptions o;
    o.oneFramePerConnection = true;
    auto l = listen(o);
    Client c(l->port());
    c.send(mllp_->wrap("one") + mllp_->wrap("two"));
    EXPECT_EQ(c.frame(*mllp_), "ack:one");
    EXPECT_TRUE(c.closedWithin(2000ms));
    EXPECT_EQ(got(), (std::vector<std::string>{"one"}));  // the second frame is not read as a request
    Client next(l->port());                               // the next connection is served as usual
    next.send(mllp_->wrap("three"));
    EXPECT_EQ(next.frame(*mllp_), "ack:three");
}

TEST_F(TcpListenerTest, AnOversizeFrameClosesTheConnectionUnread) {
    TcpListenerOptions o;
    o.maxFrameBytes = 100;
    auto l = listen(o);
    Client ok(l->port());
    ok.send(mllp_->wrap(std::string(100, 'a')));
    EXPECT_EQ(ok.frame(*mllp_), "ack:" + std::string(100, 'a'));
    Client c(l->port());
    c.send("\x0B" + std::string(101, 'a'));  // no end yet: refused when it passes the limit
    EXPECT_TRUE(c.closedWithin(2000ms));
    EXPECT_EQ(got().size(), 1u);
}

TEST_F(TcpListenerTest, ALengthHeaderOverTheLimitClosesTheConnectionBeforeTheMessage) {
    TcpListenerOptions o;
    o.maxFrameBytes = 1000;
    auto framer = std::make_shared<LengthPrefixFramer>(LengthPrefixFramer::Header::Binary, 4);
    auto l = listen(o, framer);
    Client c(l->port());
    const std::string whole = framer->wrap("length-prefixed");
    c.send(whole.substr(0, 2));
    std::this_thread::sleep_for(20ms);
    c.send(whole.substr(2));
    EXPECT_EQ(c.frame(*framer), "ack:length-prefixed");
    c.send(std::string("\x00\x10\x00\x00", 4));  // a megabyte announced
    EXPECT_TRUE(c.closedWithin(2000ms));
}

TEST_F(TcpListenerTest, GarbageClosesTheConnection) {
    auto l = listen();
    Client c(l->port());
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(c.closedWithin(2000ms));
    EXPECT_TRUE(got().empty());
}

TEST_F(TcpListenerTest, APeerThatSendsHalfAFrameAndHangsDoesNotBlockAnotherAndIsClosedAtTheReadTimeout) {
    TcpListenerOptions o;
    o.readTimeoutMs = 1000;
    auto l = listen(o);
    Client hung(l->port());
    hung.send(
        "\x0B"
        "MSH|half");
    const auto t0 = Clock::now();
    Client other(l->port());
    other.send(mllp_->wrap("MSH|whole"));
    EXPECT_EQ(other.frame(*mllp_, 1000ms), "ack:MSH|whole");
    EXPECT_LT(Clock::now() - t0, 800ms) << "the hung peer delayed another";
    EXPECT_TRUE(hung.closedWithin(3000ms));
    EXPECT_GE(Clock::now() - t0, 900ms) << "closed before its read timeout";
}

TEST_F(TcpListenerTest, AnIdleConnectionIsClosedAtTheIdleTimeout) {
    TcpListenerOptions o;
    o.idleTimeoutMs = 200;
    auto l = listen(o);
    Client c(l->port());
    c.send(mllp_->wrap("first"));
    EXPECT_EQ(c.frame(*mllp_), "ack:first");
    const auto t0 = Clock::now();
    EXPECT_TRUE(c.closedWithin(3000ms));
    EXPECT_GE(Clock::now() - t0, 150ms);
    EXPECT_TRUE(eventually([&] { return l->connections() == 0; }));
}

TEST_F(TcpListenerTest, AnAnswerThePeerDoesNotReadEndsAtTheWriteTimeout) {
    TcpListenerOptions o;
    o.writeTimeoutMs = 300;
    auto l = listen(o);
    Client stuck(l->port());
    stuck.send(mllp_->wrap("huge"));  // 32 MiB answer, never read
    EXPECT_TRUE(eventually([&] { return l->connections() == 1; }));
    Client other(l->port());
    other.send(mllp_->wrap("meanwhile"));
    EXPECT_EQ(other.frame(*mllp_), "ack:meanwhile");
    other.close();
    EXPECT_TRUE(eventually([&] { return l->connections() == 0; }, 3000ms)) << "the stuck writer was not ended";
}

TEST_F(TcpListenerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
    TcpListenerOptions o;
    o.maxConnections = 2;
    auto l = listen(o);
    Client a(l->port()), b(l->port());
    a.send(mllp_->wrap("a"));
    b.send(mllp_->wrap("b"));
    ASSERT_EQ(a.frame(*mllp_), "ack:a");
    ASSERT_EQ(b.frame(*mllp_), "ack:b");
    Client c(l->port());
    EXPECT_TRUE(c.closedWithin(2000ms));
    a.close();
    ASSERT_TRUE(eventually([&] { return l->connections() == 1; }));
    Client d(l->port());
    d.send(mllp_->wrap("d"));
    EXPECT_EQ(d.frame(*mllp_), "ack:d");
}

TEST_F(TcpListenerTest, AFailingHandlerClosesOnlyItsConnection) {
    auto l = listen();
    Client bad(l->port()), good(l->port());
    bad.send(mllp_->wrap("throw"));
    EXPECT_TRUE(bad.closedWithin(2000ms));
    good.send(mllp_->wrap("still here"));
    EXPECT_EQ(good.frame(*mllp_), "ack:still here");
}

TEST_F(TcpListenerTest, StopEndsHungAndIdleConnectionsAtOnceAndTheLoopBeatsUntilThen) {
    auto l = listen();
    Client idle(l->port()), half(l->port());
    half.send(
        "\x0B"
        "MSH|half");
    idle.send(mllp_->wrap("hello"));
    ASSERT_EQ(idle.frame(*mllp_), "ack:hello");
    // The accept loop turns while nothing happens: the watchdog sees it alive.
    std::this_thread::sleep_for(700ms);
    const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
    EXPECT_LT(nowMs - l->lastLoopMs(), 600);
    const auto t0 = Clock::now();
    l->stop();
    EXPECT_LT(Clock::now() - t0, 1000ms);
    EXPECT_EQ(l->connections(), 0u);
    EXPECT_TRUE(idle.closedWithin(1000ms));
    EXPECT_TRUE(half.closedWithin(1000ms));
    l->stop();  // twice is harmless
}

TEST(TcpListenerOptionsTest, NonPositiveLimitsAreRefused) {
    TcpListenerOptions o;
    o.maxConnections = 0;
    auto handler = [](std::string_view, const Peer&) -> std::optional<std::string> { return std::nullopt; };
    EXPECT_THROW(TcpListener(o, std::make_shared<MllpFramer>(), handler), std::invalid_argument);
    EXPECT_THROW(TcpListener(TcpListenerOptions{}, nullptr, handler), std::invalid_argument);
}
