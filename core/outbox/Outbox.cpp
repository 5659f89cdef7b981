#include "core/outbox/Outbox.h"
#include "core/outbox/OutboxQueries.h"

#include "core/auth/Tokens.h"
#include "core/http/JsonText.h"
#include "core/metrics/Metrics.h"
#include "core/time/IsoTime.h"
#include "core/util/Ids.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace medbox {

namespace {

constexpr size_t kMaxErrorChars = 500;
constexpr const char* kDelivered = "medbox_outbox_delivered_total";
constexpr const char* kFailed = "medbox_outbox_failed_attempts_total";
constexpr const char* kPending = "medbox_outbox_pending";

std::string truncate(std::string s, size_t max) {
    if (s.size() <= max) return s;
    size_t cut = max;
    // Do not cut a UTF-8 sequence in half: the column is TEXT.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    return s;
}

// What kind of failure a last_error describes ("HTTP 503", "connection
// failed", "no url ..."), so that a retry failing the same way is not logged again.
std::string failureKind(const std::string& error) {
    auto colon = error.find(": ");
    return colon == std::string::npos ? error : error.substr(0, colon);
}

// The part of an error that may be logged: a receiver's response body or a
// JSON parser's message may quote the payload, so only transport errors are
// shown in full.
std::string loggable(const std::string& error) {
    return error.rfind("connection failed", 0) == 0 ? error : failureKind(error);
}

int64_t pendingCount(db::Database& db) {
    return db.read([](db::Connection& c) {
        auto st = c.prepare("SELECT COUNT(*) FROM outbox WHERE delivered_ms IS NULL");
        return st.step() ? st.i64(0) : int64_t{0};
    });
}

}  // namespace

std::vector<OutboxBacklog> Outbox::backlog(db::Connection& c) {
    std::vector<OutboxBacklog> out;
    auto st = c.prepare(
        "SELECT destination, COUNT(*), MIN(created_ms) FROM outbox WHERE delivered_ms IS NULL "
        "GROUP BY destination ORDER BY destination");
    while (st.step()) out.push_back({st.str(0), st.i64(1), st.i64(2), 0, {}});
    for (auto& b : out) {
        auto head = c.prepare(
            "SELECT attempts, COALESCE(last_error, '') FROM outbox WHERE destination = ? AND delivered_ms IS NULL "
            "ORDER BY id LIMIT 1");
        head.args(b.destination);
        if (head.step()) {
            b.headAttempts = head.i64(0);
            b.headError = head.str(1);
        }
    }
    return out;
}

struct Dispatcher::Pending {
    int64_t id;
    std::string messageId;
    std::string destination;
    std::string topic;
    std::string payload;
    int64_t createdMs;
    int64_t attempts;
    std::optional<std::string> lastError;
};

std::string Outbox::enqueue(db::Tx& tx, const std::string& destination, const std::string& topic,
                            const Poco::JSON::Object::Ptr& payload, int64_t nowMs) {
    if (!payload) throw std::invalid_argument("outbox: payload must not be null");
    return enqueue(tx, destination, topic, json::text(payload), nowMs);
}

std::string Outbox::enqueue(db::Tx& tx, const std::string& destination, const std::string& topic,
                            const std::string& payloadJson, int64_t nowMs) {
    if (destination.empty()) throw std::invalid_argument("outbox: destination must not be empty");
    if (topic.empty()) throw std::invalid_argument("outbox: topic must not be empty");
    if (payloadJson.empty() || payloadJson.front() != '{')
        throw std::invalid_argument("outbox: payload must be a JSON object");
    std::string id = ids::uuid7();
    tx.prepare(
          "INSERT INTO outbox(message_id, destination, topic, payload, created_ms, attempts, next_attempt_ms) "
          "VALUES (?, ?, ?, ?, ?, 0, ?)")
        .args(id, destination, topic, payloadJson, nowMs, nowMs)
        .run();
    return id;
}

Dispatcher::Dispatcher(db::Database& db, const Clock& clock, DispatcherOptions opts, std::string source,
                       const TokenIssuer* issuer, Poco::Net::Context::Ptr tls, Metrics* metrics)
    : db_(db),
      clock_(clock),
      opts_(std::move(opts)),
      source_(std::move(source)),
      issuer_(issuer),
      client_(std::move(tls), opts_.timeoutSeconds),
      metrics_(metrics),
      rng_(std::random_device{}()) {
    if (opts_.batch < 1 || opts_.pollMs < 1 || opts_.backoffBaseMs < 1 || opts_.backoffMaxMs < opts_.backoffBaseMs ||
        opts_.keepDeliveredMs < 0 || opts_.keepInboxMs < 0 || opts_.purgeEveryMs < 1) {
        throw std::invalid_argument(
            "outbox: batch, pollMs, backoff and purgeEveryMs must be positive, backoffMaxMs >= backoffBaseMs, "
            "keep times not negative");
    }
    if (metrics_) {
        metrics_->counter(kDelivered, "Outbox messages delivered (acknowledged with 2xx).");
        metrics_->counter(kFailed, "Outbox delivery attempts that failed.");
        // Captures the database, which lives for the process, not this object.
        metrics_->gauge(kPending, "Outbox messages not yet delivered.",
                        [&db = db_] { return static_cast<double>(pendingCount(db)); });
    }
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
    if (thread_.joinable()) return;
    stop_ = false;
    thread_ = std::thread([this] { loop(); });
}

void Dispatcher::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Dispatcher::wake(const std::string& destination) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (wake_) return;  // a wake-up is on its way already
    if (!destination.empty()) {
        // With the receiver down, every booking would otherwise cost a pass
        // that finds nothing to send.
        auto held = heldUntil_.find(destination);
        if (held != heldUntil_.end() && clock_.nowMs() < held->second) return;
    }
    wake_ = true;
    cv_.notify_all();
}

void Dispatcher::hold(const std::string& destination, int64_t untilMs) {
    std::lock_guard<std::mutex> lock(mutex_);
    heldUntil_[destination] = untilMs;
}

PurgeResult Dispatcher::purge() {
    constexpr int64_t kBatch = 1000;  // rows per transaction: other writes wait meanwhile
    const int64_t now = clock_.nowMs();
    PurgeResult r;
    auto drain = [&](const std::string& sql, int64_t before, int64_t& total) {
        for (int n = static_cast<int>(kBatch); n == kBatch && !stop_;) {
            db_.write([&](db::Tx& tx) {
                tx.prepare(sql).args(before, kBatch).run();
                n = tx.changes();
            });
            total += n;
        }
    };
    drain(outbox_sql::kPurgeDelivered, now - opts_.keepDeliveredMs, r.delivered);
    drain(outbox_sql::kPurgeInbox, now - opts_.keepInboxMs, r.inboxIds);
    if (r.delivered + r.inboxIds > 0) {
        Poco::Logger::get(source_ + ".outbox")
            .information("housekeeping: deleted %s delivered messages and %s inbox ids", std::to_string(r.delivered),
                         std::to_string(r.inboxIds));
    }
    return r;
}

void Dispatcher::loop() {
    Poco::Logger& log = Poco::Logger::get(source_ + ".outbox");
    while (!stop_) {
        int64_t waitMs = opts_.pollMs;
        try {
            if (clock_.nowMs() - lastPurgeMs_ >= opts_.purgeEveryMs) {
                lastPurgeMs_ = clock_.nowMs();
                purge();
            }
            deliverDue();
            // Sleep until the first head of line becomes due: a message behind
            // it cannot be sent before it (see deliverDue()).
            const int64_t now = clock_.nowMs();
            auto next = db_.read([](db::Connection& c) {
                auto st = c.prepare(outbox_sql::kNextDue);
                return st.step() ? st.optI64(0) : std::optional<int64_t>{};
            });
            if (next) waitMs = std::clamp<int64_t>(*next - now, 0, opts_.pollMs);
        } catch (const std::exception& e) {
            // A database error (disk full, locked): try again at the next poll.
            log.error("outbox pass failed: %s", std::string(e.what()));
        }
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_for(lock, std::chrono::milliseconds(waitMs), [this] { return wake_ || stop_; });
        wake_ = false;
    }
}

int Dispatcher::deliverDue() {
    passes_++;
    const int64_t startMs = clock_.nowMs();
    // Strict order per destination: its messages go in id order, and the
    // first one still waiting for its retry holds back every later one, so a
    // message never overtakes one in backoff. See OutboxQueries.h.
    // One queue of due messages per destination, read in one snapshot.
    auto queues = db_.read([&](db::Connection& c) {
        std::vector<std::string> destinations;
        auto names = c.prepare(outbox_sql::kDestinations);
        while (names.step()) destinations.push_back(names.str(0));
        std::vector<std::vector<Pending>> out;
        for (const auto& destination : destinations) {
            std::vector<Pending> due;
            auto st = c.prepare(outbox_sql::kQueue);
            st.args(destination, opts_.batch);
            while (st.step()) {
                if (st.i64(8) > startMs) {  // in backoff: it and everything behind it wait
                    if (due.empty()) hold(destination, st.i64(8));
                    break;
                }
                due.push_back(
                    Pending{st.i64(0), st.str(1), st.str(2), st.str(3), st.str(4), st.i64(5), st.i64(6), st.optStr(7)});
            }
            if (!due.empty()) out.push_back(std::move(due));
        }
        return out;
    });
    if (queues.empty()) return 0;
    // Never tell a receiver about a change a power cut could still undo.
    db_.waitDurable();
    int delivered = 0;
    for (const auto& due : queues) {
        if (stop_) break;
        delivered += deliverInOrder(due);
    }
    return delivered;
}

// Sends messages to one destination in order until one fails; marks the
// delivered ones in a single transaction (a crash before it means they are
// sent again, which the receiver's inbox absorbs).
int Dispatcher::deliverInOrder(const std::vector<Pending>& due) {
    Poco::Logger& log = Poco::Logger::get(source_ + ".outbox");
    std::vector<const Pending*> sent;
    auto markSent = [&] {
        if (sent.empty()) return;
        const int64_t now = clock_.nowMs();
        db_.write([&](db::Tx& tx) {
            for (const Pending* m : sent) {
                tx.prepare("UPDATE outbox SET delivered_ms = ?, last_error = NULL WHERE id = ?").args(now, m->id).run();
            }
        });
        for (const Pending* m : sent) {
            if (metrics_) metrics_->counter(kDelivered, "").inc();
            if (m->attempts > 0) {
                log.information("message %s to %s (topic %s) delivered after %d failed attempts", m->messageId,
                                m->destination, m->topic, static_cast<int>(m->attempts));
            }
        }
    };
    for (const auto& m : due) {
        if (stop_) break;

        std::string error;
        auto url = opts_.urls.find(m.destination);
        if (url == opts_.urls.end() || url->second.empty()) {
            error = "no url configured for destination " + m.destination;
        } else {
            std::string body;
            try {
                Poco::JSON::Object envelope(Poco::JSON_PRESERVE_KEY_ORDER);
                envelope.set("id", m.messageId);
                envelope.set("source", source_);
                envelope.set("topic", m.topic);
                envelope.set("createdAt", isoUtcMillis(m.createdMs));
                Poco::JSON::Parser parser;
                envelope.set("payload", parser.parse(m.payload));
                std::ostringstream out;
                envelope.stringify(out);
                body = out.str();
            } catch (const Poco::Exception& e) {
                error = "stored payload is not valid JSON: " + e.displayText();
            }
            if (error.empty()) {
                std::string token;
                if (issuer_) token = issuer_->issue(Principal{Principal::Kind::Service, source_, {"service"}}, 300);
                HttpResult res = client_.postJson(url->second, body, token, m.messageId);
                if (res.status >= 200 && res.status < 300) {
                    error.clear();
                } else if (res.status == 0) {
                    error = "connection failed: " + res.error;
                } else {
                    error = "HTTP " + std::to_string(res.status) + ": " + res.body;
                }
            }
        }

        if (error.empty()) {
            sent.push_back(&m);
            continue;
        }
        // Keep order: once a message to X failed, later ones to X wait.
        markSent();
        const int64_t now = clock_.nowMs();
        error = truncate(error, kMaxErrorChars);
        const int shift = static_cast<int>(std::min<int64_t>(m.attempts, 40));
        const double nominal = std::min<double>(static_cast<double>(opts_.backoffMaxMs),
                                                static_cast<double>(opts_.backoffBaseMs) * std::ldexp(1.0, shift));
        // +-20 % jitter so that messages that failed together do not retry together.
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        const int64_t delay = std::max<int64_t>(1, std::llround(nominal * jitter(rng_)));
        db_.write([&](db::Tx& tx) {
            tx.prepare("UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_error = ? WHERE id = ?")
                .args(now + delay, error, m.id)
                .run();
        });
        hold(m.destination, now + delay);
        if (metrics_) metrics_->counter(kFailed, "").inc();
        // Once per message per kind of failure; never the payload or the body.
        if (!m.lastError || failureKind(*m.lastError) != failureKind(error)) {
            log.warning("message %s to %s (topic %s) not delivered: %s; retrying in %s ms (attempt %d)", m.messageId,
                        m.destination, m.topic, loggable(error), std::to_string(delay),
                        static_cast<int>(m.attempts + 1));
        }
        return static_cast<int>(sent.size());
    }
    markSent();
    return static_cast<int>(sent.size());
}

bool Inbox::accept(db::Tx& tx, const std::string& messageId, const std::string& source, int64_t nowMs) {
    tx.prepare("INSERT OR IGNORE INTO inbox_seen(message_id, source, received_ms) VALUES (?, ?, ?)")
        .args(messageId, source, nowMs)
        .run();
    return tx.changes() == 1;
}

}  // namespace medbox
