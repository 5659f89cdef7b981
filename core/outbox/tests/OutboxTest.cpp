#include "core/outbox/Outbox.h"
#include "core/outbox/OutboxQueries.h"
#include "core/auth/Tokens.h"
#include "core/metrics/Metrics.h"
#include "core/testing/TempDir.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace medbox;

namespace {

db::Options optionsFor(const std::string& path) {
    db::Options o;
    o.path = path;
    return o;
}

struct Received {
    std::string messageId;
    std::string authorization;
    std::string body;
    int answered;
};

// A peer service: answers 503 to the first `failFirst` requests, then applies
// each message once through its own Inbox and answers 200.
struct Receiver {
    struct State {
        std::mutex mutex;
        int failFirst = 0;
        std::vector<Received> requests;
        int applied = 0;
        db::Database* db = nullptr;
    };
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(std::shared_ptr<State> s) : s_(std::move(s)) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            std::string body;
            Poco::StreamCopier::copyToString(req.stream(), body);
            std::lock_guard<std::mutex> lock(s_->mutex);
            Received r{req.get("Message-Id", ""), req.get("Authorization", ""), body, 0};
            if (static_cast<int>(s_->requests.size()) < s_->failFirst) {
                r.answered = 503;
            } else {
                r.answered = 200;
                bool fresh = false;
                s_->db->write([&](db::Tx& tx) { fresh = Inbox::accept(tx, r.messageId, "booking", 0); });
                if (fresh) ++s_->applied;
            }
            s_->requests.push_back(r);
            resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.answered));
            resp.setContentType("application/json");
            resp.send() << (r.answered == 200 ? "{}" : R"({"error":{"code":"unavailable"}})");
        }

    private:
        std::shared_ptr<State> s_;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(std::shared_ptr<State> s) : s_(std::move(s)) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(s_);
        }

    private:
        std::shared_ptr<State> s_;
    };

    testutil::TempDir dir;
    db::Database db{optionsFor(dir.file("receiver.db")), {}};
    std::shared_ptr<State> state = std::make_shared<State>();
    Poco::Net::ServerSocket socket{Poco::Net::SocketAddress("127.0.0.1", 0)};
    Poco::Net::HTTPServer server{new Factory(state), socket, new Poco::Net::HTTPServerParams};

    explicit Receiver(int failFirst) {
        state->failFirst = failFirst;
        state->db = &db;
        server.start();
    }
    ~Receiver() { server.stopAll(true); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(socket.address().port()) + "/api/v1/inbox"; }
    std::vector<Received> requests() {
        std::lock_guard<std::mutex> lock(state->mutex);
        return state->requests;
    }
    int applied() {
        std::lock_guard<std::mutex> lock(state->mutex);
        return state->applied;
    }
};

struct Sender {
    testutil::TempDir dir;
    ManualClock clock;
    db::Database db{optionsFor(dir.file("booking.db")), {}};
    Metrics metrics;
    std::unique_ptr<TokenIssuer> issuer;

    Sender() {
        keys::ensureKeyPair(dir.file("keys/booking.key.pem"), dir.file("trust/booking.pub.pem"));
        issuer = std::make_unique<TokenIssuer>(dir.file("keys/booking.key.pem"), "booking", clock);
    }
    std::unique_ptr<Dispatcher> dispatcher(std::map<std::string, std::string> urls, const Clock* c = nullptr) {
        DispatcherOptions o;
        o.urls = std::move(urls);
        o.timeoutSeconds = 5;
        return std::make_unique<Dispatcher>(db, c ? *c : clock, o, "booking", issuer.get(), nullptr, &metrics);
    }
    std::string enqueue(const std::string& destination, int n = 1) {
        std::string id;
        db.write([&](db::Tx& tx) {
            Poco::JSON::Object::Ptr payload = new Poco::JSON::Object;
            payload->set("appointment", n);
            payload->set("patient", std::string("张三"));
            id = Outbox::enqueue(tx, destination, "appointment.created", payload, clock.nowMs());
        });
        return id;
    }
    struct Row {
        int64_t attempts;
        int64_t nextAttemptMs;
        std::optional<int64_t> deliveredMs;
        std::optional<std::string> lastError;
    };
    Row row(const std::string& messageId) {
        return db.read([&](db::Connection& c) {
            auto st = c.prepare(
                "SELECT attempts, next_attempt_ms, delivered_ms, last_error FROM outbox WHERE message_id = ?");
            st.bind(1, messageId);
            if (!st.step()) throw std::runtime_error("no such message");
            return Row{st.i64(0), st.i64(1), st.optI64(2), st.optStr(3)};
        });
    }
    int64_t count() {
        return db.read([](db::Connection& c) {
            auto st = c.prepare("SELECT COUNT(*) FROM outbox");
            st.step();
            return st.i64(0);
        });
    }
};

}  // namespace

TEST(OutboxTest, FailsTwiceThenDeliversExactlyOnceWithTheSameMessageId) {
    Receiver peer(2);
    Sender s;
    auto d = s.dispatcher({{"hisbridge", peer.url()}});
    const std::string id = s.enqueue("hisbridge");

    EXPECT_EQ(d->deliverDue(), 0);
    auto r = s.row(id);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_FALSE(r.deliveredMs);
    ASSERT_TRUE(r.lastError);
    EXPECT_EQ(r.lastError->rfind("HTTP 503", 0), 0u) << *r.lastError;
    EXPECT_GE(r.nextAttemptMs - s.clock.nowMs(), 400);
    EXPECT_LE(r.nextAttemptMs - s.clock.nowMs(), 600);

    EXPECT_EQ(d->deliverDue(), 0);  // not due yet: nothing sent
    EXPECT_EQ(peer.requests().size(), 1u);

    s.clock.setMs(r.nextAttemptMs);
    EXPECT_EQ(d->deliverDue(), 0);
    r = s.row(id);
    EXPECT_EQ(r.attempts, 2);
    s.clock.setMs(r.nextAttemptMs);
    EXPECT_EQ(d->deliverDue(), 1);
    r = s.row(id);
    EXPECT_EQ(r.deliveredMs, s.clock.nowMs());
    EXPECT_EQ(r.attempts, 2);  // failed attempts
    EXPECT_FALSE(r.lastError);

    const int64_t deliveredAt = s.clock.nowMs();
    s.clock.advanceMs(3'600'000);
    EXPECT_EQ(d->deliverDue(), 0);  // delivered messages are never sent again

    auto got = peer.requests();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(peer.applied(), 1);
    for (const auto& g : got) EXPECT_EQ(g.messageId, id);

    // The envelope and the service token.
    auto env = Poco::JSON::Parser().parse(got[2].body).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(env->getValue<std::string>("id"), id);
    EXPECT_EQ(env->getValue<std::string>("source"), "booking");
    EXPECT_EQ(env->getValue<std::string>("topic"), "appointment.created");
    EXPECT_EQ(env->getValue<std::string>("createdAt"), "2026-01-01T00:00:00.000Z");
    EXPECT_EQ(env->getObject("payload")->getValue<std::string>("patient"), "张三");
    ASSERT_EQ(got[2].authorization.rfind("Bearer ", 0), 0u);
    ManualClock then(deliveredAt);
    TokenVerifier verifier(s.dir.file("trust"), then);
    std::string why;
    auto p = verifier.verify(got[2].authorization.substr(7), &why);
    ASSERT_TRUE(p) << why;
    EXPECT_EQ(p->kind, Principal::Kind::Service);
    EXPECT_EQ(p->subject, "booking");
}

TEST(OutboxTest, RolledBackEnqueueSendsNothing) {
    Receiver peer(0);
    Sender s;
    auto d = s.dispatcher({{"hisbridge", peer.url()}});
    EXPECT_THROW(s.db.write([&](db::Tx& tx) {
        Outbox::enqueue(tx, "hisbridge", "appointment.created", new Poco::JSON::Object, s.clock.nowMs());
        throw std::runtime_error("the booking failed");
    }),
                 std::runtime_error);
    EXPECT_EQ(s.count(), 0);
    EXPECT_EQ(d->deliverDue(), 0);
    EXPECT_TRUE(peer.requests().empty());
}

// The payload may come as JSON text already (booking writes its messages that
// way): it is sent as given; text that is not a JSON object is refused and
// nothing is queued.
TEST(OutboxTest, APayloadGivenAsTextIsSentAsItIsAndMustBeAnObject) {
    Receiver peer(0);
    Sender s;
    auto d = s.dispatcher({{"hisbridge", peer.url()}});
    for (const std::string bad : {"", "[1]", "\"text\""}) {
        EXPECT_THROW(s.db.write([&](db::Tx& tx) { Outbox::enqueue(tx, "hisbridge", "t", bad, s.clock.nowMs()); }),
                     std::invalid_argument)
            << bad;
    }
    EXPECT_THROW(s.db.write([&](db::Tx& tx) { Outbox::enqueue(tx, "", "t", std::string("{}"), s.clock.nowMs()); }),
                 std::invalid_argument);
    EXPECT_EQ(s.count(), 0);
    s.db.write([&](db::Tx& tx) {
        Outbox::enqueue(tx, "hisbridge", "t", std::string(R"({"patient":"张三","n":7})"), s.clock.nowMs());
    });
    EXPECT_EQ(d->deliverDue(), 1);
    auto got = peer.requests();
    ASSERT_EQ(got.size(), 1u);
    auto payload = Poco::JSON::Parser().parse(got[0].body).extract<Poco::JSON::Object::Ptr>()->getObject("payload");
    ASSERT_TRUE(payload);
    EXPECT_EQ(payload->getValue<std::string>("patient"), "张三");
    EXPECT_EQ(payload->getValue<int>("n"), 7);
}

TEST(OutboxTest, BackoffGrowsAndIsCapped) {
    Sender s;
    DispatcherOptions o;
    o.backoffBaseMs = 500;
    o.backoffMaxMs = 10'000;
    Dispatcher d(s.db, s.clock, o, "booking", s.issuer.get(), nullptr, nullptr);
    const std::string id = s.enqueue("nowhere");
    int64_t previous = 0;
    for (int attempt = 0; attempt < 8; ++attempt) {
        EXPECT_EQ(d.deliverDue(), 0);
        auto r = s.row(id);
        EXPECT_EQ(r.attempts, attempt + 1);
        EXPECT_EQ(r.lastError, "no url configured for destination nowhere");
        const int64_t delay = r.nextAttemptMs - s.clock.nowMs();
        const double nominal = std::min(500.0 * (1 << attempt), 10'000.0);
        EXPECT_GE(delay, static_cast<int64_t>(nominal * 0.8) - 1) << attempt;
        EXPECT_LE(delay, static_cast<int64_t>(nominal * 1.2) + 1) << attempt;
        if (attempt < 4) {
            EXPECT_GT(delay, previous) << attempt;  // ranges do not overlap until the cap
        }
        previous = delay;
        s.clock.setMs(r.nextAttemptMs);
    }
}

TEST(OutboxTest, KeepsOrderPerDestination) {
    Receiver his(1);  // fails the first request only
    Receiver portal(0);
    Sender s;
    auto d = s.dispatcher({{"hisbridge", his.url()}, {"portal", portal.url()}});
    const std::string a = s.enqueue("hisbridge", 1);
    const std::string b = s.enqueue("hisbridge", 2);
    const std::string c = s.enqueue("portal", 3);

    EXPECT_EQ(d->deliverDue(), 1);  // a fails, b waits behind it, c goes
    EXPECT_EQ(his.requests().size(), 1u);
    EXPECT_EQ(portal.requests().size(), 1u);
    EXPECT_TRUE(s.row(c).deliveredMs);
    EXPECT_FALSE(s.row(b).deliveredMs);
    EXPECT_EQ(s.row(b).attempts, 0);

    // b is due but a is in backoff: b must not overtake a.
    s.clock.advanceMs(100);
    EXPECT_EQ(d->deliverDue(), 0);
    EXPECT_EQ(his.requests().size(), 1u);

    s.clock.setMs(s.row(a).nextAttemptMs);
    EXPECT_EQ(d->deliverDue(), 2);
    auto got = his.requests();
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[1].messageId, a);
    EXPECT_EQ(got[2].messageId, b);
}

// A destination that is down must not make every later pass slower: the
// dispatcher's queries seek through the index, they never scan the queue.
TEST(OutboxTest, QueriesSeekTheIndexInsteadOfScanningTheQueue) {
    Sender s;
    for (const std::string& sql : {outbox_sql::kDestinations, outbox_sql::kNextDue, outbox_sql::kQueue}) {
        std::string plan = s.db.read([&](db::Connection& c) {
            std::string out;
            auto st = c.prepare("EXPLAIN QUERY PLAN " + sql);
            if (sql == outbox_sql::kQueue) st.args("hisbridge", 50);
            while (st.step()) out += st.str(3) + "\n";
            return out;
        });
        EXPECT_EQ(plan.find("SCAN outbox"), std::string::npos) << sql << "\n" << plan;
        EXPECT_EQ(plan.find("SCAN o\n"), std::string::npos) << sql << "\n" << plan;
        EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << plan;
        EXPECT_NE(plan.find("outbox_pending"), std::string::npos) << sql << "\n" << plan;
    }
}

TEST(OutboxTest, AThousandMessagesBehindADownDestinationCostOneAttemptAPass) {
    Receiver portal(0);
    Sender s;
    auto d = s.dispatcher({{"portal", portal.url()}});  // hisbridge has no URL: it is "down"
    const std::string head = s.enqueue("hisbridge", 0);
    for (int i = 1; i < 1000; ++i) s.enqueue("hisbridge", i);
    const std::string other = s.enqueue("portal", 1);

    EXPECT_EQ(d->deliverDue(), 1);
    EXPECT_TRUE(s.row(other).deliveredMs);
    EXPECT_EQ(s.row(head).attempts, 1);
    const auto attemptsOutsideHead = s.db.read([&](db::Connection& c) {
        auto st = c.prepare(
            "SELECT COUNT(*) FROM outbox WHERE destination = 'hisbridge' AND attempts > 0 AND message_id <> ?");
        st.bind(1, head);
        st.step();
        return st.i64(0);
    });
    EXPECT_EQ(attemptsOutsideHead, 0);
    // Within the head's backoff, a pass attempts nothing.
    EXPECT_EQ(d->deliverDue(), 0);
    EXPECT_EQ(s.row(head).attempts, 1);
    std::string text = s.metrics.render();
    EXPECT_NE(text.find("medbox_outbox_pending 1000\n"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_outbox_failed_attempts_total 1\n"), std::string::npos) << text;
}

TEST(OutboxTest, MetricsCountDeliveriesFailuresAndPending) {
    Receiver peer(1);
    Sender s;
    auto d = s.dispatcher({{"hisbridge", peer.url()}});
    s.enqueue("hisbridge");
    s.enqueue("nowhere");
    d->deliverDue();
    std::string text = s.metrics.render();
    EXPECT_NE(text.find("medbox_outbox_failed_attempts_total 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_outbox_delivered_total 0\n"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_outbox_pending 2\n"), std::string::npos) << text;
    s.clock.advanceMs(10'000);
    d->deliverDue();
    text = s.metrics.render();
    EXPECT_NE(text.find("medbox_outbox_delivered_total 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_outbox_pending 1\n"), std::string::npos) << text;
}

TEST(OutboxTest, BacklogPerDestinationShowsTheOldestAndWhatHoldsTheQueue) {
    Receiver peer(1);  // the first delivery fails, the next ones succeed
    Sender s;
    auto d = s.dispatcher({{"hisbridge", peer.url()}});
    const int64_t t0 = s.clock.nowMs();
    s.enqueue("hisbridge");
    s.clock.advanceMs(1000);
    s.enqueue("hisbridge");
    s.enqueue("nowhere");
    auto backlog = s.db.read([](db::Connection& c) { return Outbox::backlog(c); });
    ASSERT_EQ(backlog.size(), 2u);
    EXPECT_EQ(backlog[0].destination, "hisbridge");
    EXPECT_EQ(backlog[0].pending, 2);
    EXPECT_EQ(backlog[0].oldestCreatedMs, t0);
    EXPECT_EQ(backlog[0].headAttempts, 0);
    EXPECT_EQ(backlog[1].destination, "nowhere");

    d->deliverDue();  // hisbridge answers 503 once; "nowhere" has no url
    backlog = s.db.read([](db::Connection& c) { return Outbox::backlog(c); });
    ASSERT_EQ(backlog.size(), 2u);
    EXPECT_EQ(backlog[0].pending, 2);
    EXPECT_EQ(backlog[0].headAttempts, 1);
    EXPECT_FALSE(backlog[0].headError.empty());

    s.clock.advanceMs(10'000);
    d->deliverDue();
    backlog = s.db.read([](db::Connection& c) { return Outbox::backlog(c); });
    ASSERT_EQ(backlog.size(), 1u);  // delivered destinations drop out
    EXPECT_EQ(backlog[0].destination, "nowhere");
    EXPECT_EQ(backlog[0].headAttempts, 2);
}

TEST(OutboxTest, TransportErrorIsRecorded) {
    Sender s;
    Poco::Net::ServerSocket closed{Poco::Net::SocketAddress("127.0.0.1", 0)};
    const int port = closed.address().port();
    closed.close();  // nothing listens there now
    auto d = s.dispatcher({{"hisbridge", "http://127.0.0.1:" + std::to_string(port) + "/x"}});
    const std::string id = s.enqueue("hisbridge");
    EXPECT_EQ(d->deliverDue(), 0);
    auto r = s.row(id);
    ASSERT_TRUE(r.lastError);
    EXPECT_EQ(r.lastError->rfind("connection failed: ", 0), 0u) << *r.lastError;
}

TEST(OutboxTest, BackgroundThreadDeliversAfterWake) {
    Receiver peer(0);
    Sender s;
    SystemClock real;
    DispatcherOptions o;
    o.urls = {{"hisbridge", peer.url()}};
    o.pollMs = 60'000;  // only wake() can make it deliver within the test's time
    Dispatcher d(s.db, real, o, "booking", s.issuer.get(), nullptr, nullptr);
    d.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the first pass found nothing
    std::string id;
    s.db.write([&](db::Tx& tx) {
        id = Outbox::enqueue(tx, "hisbridge", "t", new Poco::JSON::Object, real.nowMs());
        tx.afterCommit([&] { d.wake(); });
    });
    for (int i = 0; i < 100 && !s.row(id).deliveredMs; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(s.row(id).deliveredMs);
    d.stop();
    EXPECT_EQ(peer.applied(), 1);
}

// With the receiver down, a commit that queues another message behind the
// waiting one must not cost a pass; a message to another destination still does.
TEST(OutboxTest, ADestinationWaitingForARetryIsNotPolledOnEveryCommit) {
    Receiver peer(1'000);  // answers 503 throughout
    Sender s;
    DispatcherOptions o;
    o.urls = {{"hisbridge", peer.url()}, {"portal", peer.url()}};
    o.pollMs = 60'000;          // only wake() can start a pass within the test's time
    o.backoffBaseMs = 600'000;  // and the manual clock never reaches the retry
    o.backoffMaxMs = 600'000;
    Dispatcher d(s.db, s.clock, o, "booking", s.issuer.get(), nullptr, nullptr);
    d.start();
    auto enqueueAndWake = [&](const std::string& destination) {
        std::string id;
        s.db.write([&](db::Tx& tx) {
            id = Outbox::enqueue(tx, destination, "t", new Poco::JSON::Object, s.clock.nowMs());
            tx.afterCommit([&d, destination] { d.wake(destination); });
        });
        return id;
    };
    auto waitFor = [](const std::function<bool()>& done) {
        for (int i = 0; i < 200 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return done();
    };
    const std::string head = enqueueAndWake("hisbridge");
    ASSERT_TRUE(waitFor([&] { return s.row(head).attempts == 1; })) << "the first message was never tried";
    ASSERT_TRUE(waitFor([&] { return d.passes() >= 2; }));  // the pass that tried it (the first found nothing)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const uint64_t before = d.passes();
    for (int i = 0; i < 20; ++i) enqueueAndWake("hisbridge");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(d.passes(), before) << "commits behind a message waiting for its retry started passes";
    const std::string other = enqueueAndWake("portal");
    EXPECT_TRUE(waitFor([&] { return s.row(other).attempts == 1; }))
        << "a message to another destination did not wake the loop";
    d.stop();
    EXPECT_EQ(peer.requests().size(), 2u);  // the head once, portal's once: nothing overtook the head
}

// Delivered messages and inbox ids go after their keep time; a message not
// yet delivered stays however old it is.
TEST(OutboxTest, HousekeepingDeletesOnlyWhatIsDeliveredOrSeenLongAgo) {
    Receiver peer(0);
    Sender s;
    const int64_t day = 86'400'000;
    auto d = s.dispatcher({{"hisbridge", peer.url()}});  // keeps delivered 7 days, inbox ids 30 days
    const std::string oldDelivered = s.enqueue("hisbridge", 1);
    const std::string oldPending = s.enqueue("lis", 2);  // no URL: never delivered
    ASSERT_EQ(d->deliverDue(), 1);
    s.db.write([&](db::Tx& tx) { Inbox::accept(tx, "old-id", "portal", s.clock.nowMs()); });
    s.clock.advanceMs(8 * day);
    const std::string recentDelivered = s.enqueue("hisbridge", 3);
    ASSERT_EQ(d->deliverDue(), 1);
    s.db.write([&](db::Tx& tx) { Inbox::accept(tx, "recent-id", "portal", s.clock.nowMs()); });

    auto r = d->purge();
    EXPECT_EQ(r.delivered, 1);
    EXPECT_EQ(r.inboxIds, 0);  // 8 days is within the 30 kept
    EXPECT_THROW(s.row(oldDelivered), std::runtime_error) << "the old delivered message is still there";
    EXPECT_FALSE(s.row(oldPending).deliveredMs);  // still waiting, still there
    EXPECT_TRUE(s.row(recentDelivered).deliveredMs);

    s.clock.advanceMs(25 * day);  // old-id is 33 days old, recent-id 25
    r = d->purge();
    EXPECT_EQ(r.delivered, 1);  // recentDelivered is 25 days old now
    EXPECT_EQ(r.inboxIds, 1);
    bool fresh = false;
    s.db.write([&](db::Tx& tx) { fresh = Inbox::accept(tx, "recent-id", "portal", s.clock.nowMs()); });
    EXPECT_FALSE(fresh) << "an inbox id inside its keep time was deleted";
    EXPECT_EQ(s.count(), 1);  // only the pending message is left
}

// Housekeeping seeks the age indexes: it never reads the whole table.
TEST(OutboxTest, HousekeepingQueriesSeekTheirIndexes) {
    Sender s;
    for (const auto& [sql, index] : {std::pair{outbox_sql::kPurgeDelivered, "outbox_delivered"},
                                     std::pair{outbox_sql::kPurgeInbox, "inbox_seen_received"}}) {
        std::string plan = s.db.read([&](db::Connection& c) {
            std::string out;
            auto st = c.prepare("EXPLAIN QUERY PLAN " + sql);
            st.args(int64_t{0}, int64_t{1000});
            while (st.step()) out += st.str(3) + "\n";
            return out;
        });
        EXPECT_EQ(plan.find("SCAN"), std::string::npos) << sql << "\n" << plan;
        EXPECT_NE(plan.find(index), std::string::npos) << sql << "\n" << plan;
    }
}

// More than one batch of delivered messages is deleted in one run.
TEST(OutboxTest, HousekeepingDeletesInBatches) {
    Receiver peer(0);
    Sender s;
    auto d = s.dispatcher({{"hisbridge", peer.url()}});
    s.db.write([&](db::Tx& tx) {
        for (int i = 0; i < 2500; ++i)
            tx.prepare(
                  "INSERT INTO outbox(message_id, destination, topic, payload, created_ms, next_attempt_ms, "
                  "delivered_ms) "
                  "VALUES (?, 'hisbridge', 't', '{}', 0, 0, 1)")
                .args("m" + std::to_string(i))
                .run();
    });
    EXPECT_EQ(d->purge().delivered, 2500);
    EXPECT_EQ(s.count(), 0);
}

TEST(InboxTest, AcceptsEachMessageIdOnce) {
    testutil::TempDir dir;
    db::Database db(optionsFor(dir.file("r.db")), {});
    std::vector<bool> seen;
    db.write([&](db::Tx& tx) {
        seen.push_back(Inbox::accept(tx, "m1", "booking", 1));
        seen.push_back(Inbox::accept(tx, "m1", "booking", 2));
        seen.push_back(Inbox::accept(tx, "m2", "booking", 3));
    });
    db.write([&](db::Tx& tx) { seen.push_back(Inbox::accept(tx, "m1", "portal", 4)); });
    EXPECT_EQ(seen, (std::vector<bool>{true, false, true, false}));
}
