#pragma once
// Messages that must not be lost (booking -> HIS, stop-clinic notices -> portal,
// LIS result -> alerting) are written to the sender's `outbox` table in the
// same transaction as the change that caused them, then delivered by the
// Dispatcher with retries and backoff until the receiver acknowledges (2xx).
// Receivers are idempotent: Inbox::accept() records each message id once.
// See docs/outbox.md.
#include "core/db/Database.h"
#include "core/net/HttpClient.h"
#include "core/time/Clock.h"
#include <Poco/JSON/Object.h>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace medbox {

class TokenIssuer;
class Metrics;

// What waits in the outbox for one destination (the console's overview:
// integration backlog per service).
struct OutboxBacklog {
    std::string destination;
    int64_t pending = 0;          // messages not yet delivered
    int64_t oldestCreatedMs = 0;  // when the oldest of them was queued
    int64_t headAttempts = 0;     // failed attempts of the next one to go (it holds the rest back)
    std::string headError;        // its last error, empty when none
};

class Outbox {
public:
    // Per destination with undelivered messages, sorted by name. Reads the
    // pending index only: cheap however many messages were delivered.
    static std::vector<OutboxBacklog> backlog(db::Connection& c);

    // Adds a message; returns its id (a UUIDv7: unique, time-ordered; also
    // the receiver's idempotency key).
    // destination: a configured peer name ("portal", "hisbridge", ...).
    static std::string enqueue(db::Tx& tx, const std::string& destination, const std::string& topic,
                               const Poco::JSON::Object::Ptr& payload, int64_t nowMs);
    // The same with the payload already written as JSON text (a JSON object).
    static std::string enqueue(db::Tx& tx, const std::string& destination, const std::string& topic,
                               const std::string& payloadJson, int64_t nowMs);
};

struct DispatcherOptions {
    std::map<std::string, std::string> urls;  // destination -> URL to POST to
    int batch = 50;
    int64_t pollMs = 1000;        // look for due messages at least this often
    int64_t backoffBaseMs = 500;  // first retry delay, doubled each attempt
    int64_t backoffMaxMs = 300'000;
    int timeoutSeconds = 10;
    // Housekeeping, once per purgeEveryMs: delivered messages older than
    // keepDeliveredMs and inbox ids older than keepInboxMs are deleted.
    int64_t keepDeliveredMs = 7LL * 86'400'000;  // outbox.keep_delivered_days
    int64_t keepInboxMs = 30LL * 86'400'000;     // inbox.keep_days
    int64_t purgeEveryMs = 600'000;
};

// Rows deleted by one housekeeping run.
struct PurgeResult {
    int64_t delivered = 0;
    int64_t inboxIds = 0;
};

// One background thread delivering due messages in id order per destination.
// The envelope POSTed is {"id","source","topic","createdAt","payload"} with the
// header Message-Id and a service token.
class Dispatcher {
public:
    Dispatcher(db::Database& db, const Clock& clock, DispatcherOptions opts, std::string source,
               const TokenIssuer* issuer, Poco::Net::Context::Ptr tls, Metrics* metrics);
    ~Dispatcher();
    void start();
    void stop();
    // After a commit that queued a message for destination: look for due
    // messages now, unless that destination's first message waits for a
    // retry (nothing behind it can go before it; the loop's timer wakes it
    // then). An empty destination always wakes the loop.
    void wake(const std::string& destination = {});
    // Delivers what is due now, synchronously; returns how many were delivered (tests).
    int deliverDue();
    // Passes made so far (deliverDue() calls, each reading the due messages).
    uint64_t passes() const { return passes_; }
    // Deletes delivered messages and inbox ids past their keep time (the
    // loop calls it every purgeEveryMs; tests call it directly).
    PurgeResult purge();

private:
    struct Pending;
    void loop();
    int deliverInOrder(const std::vector<Pending>& due);
    void hold(const std::string& destination, int64_t untilMs);
    db::Database& db_;
    const Clock& clock_;
    DispatcherOptions opts_;
    std::string source_;
    const TokenIssuer* issuer_;
    HttpClient client_;
    Metrics* metrics_;
    std::mt19937_64 rng_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool wake_ = false;                         // under mutex_
    std::map<std::string, int64_t> heldUntil_;  // under mutex_: destination -> its head's next attempt
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> passes_{0};
    int64_t lastPurgeMs_ = 0;  // loop thread only
    std::thread thread_;
};

class Inbox {
public:
    // True the first time a message id is seen (then apply it in the same tx);
    // false for a duplicate (acknowledge without applying).
    static bool accept(db::Tx& tx, const std::string& messageId, const std::string& source, int64_t nowMs);
};

}  // namespace medbox
