#include "core/auth/RevocationPoller.h"

#include "core/auth/Tokens.h"
#include "core/net/Tls.h"
#include "core/metrics/Metrics.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <pthread.h>
#include <stdexcept>

namespace medbox {

namespace {

constexpr const char* kPath = "/api/v1/auth/revocations?after=";
// The console answers at most 1,000 entries a page; this many pages a poll
// is far beyond any hospital's logouts in a token lifetime. What is left
// comes with the next poll.
constexpr int kMaxPagesPerPoll = 100;
constexpr int kServiceTokenSeconds = 300;

struct Page {
    std::vector<Revocation> entries;
    int64_t nextAfter = 0;
    int64_t highestSeq = 0;
};

int64_t integer(const Poco::JSON::Object& o, const std::string& name) {
    if (!o.has(name) || !o.get(name).isInteger()) throw std::runtime_error("'" + name + "' is not an integer");
    return o.getValue<Poco::Int64>(name);
}

std::string text(const Poco::JSON::Object& o, const std::string& name) {
    if (!o.has(name) || !o.get(name).isString()) throw std::runtime_error("'" + name + "' is not a string");
    std::string v = o.getValue<std::string>(name);
    if (v.empty()) throw std::runtime_error("'" + name + "' is empty");
    return v;
}

// The console's answer; throws with the reason when it is not one.
Page parsePage(const std::string& body) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var root = parser.parse(body);
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw std::runtime_error("not a JSON object");
    auto o = root.extract<Poco::JSON::Object::Ptr>();
    Page page;
    page.nextAfter = integer(*o, "nextAfter");
    page.highestSeq = integer(*o, "highestSeq");
    auto entries = o->getArray("entries");
    if (!entries) throw std::runtime_error("'entries' is not an array");
    for (size_t i = 0; i < entries->size(); ++i) {
        auto e = entries->getObject(static_cast<unsigned>(i));
        if (!e) throw std::runtime_error("entry " + std::to_string(i) + " is not an object");
        Revocation r;
        r.seq = integer(*e, "seq");
        r.expiresMs = integer(*e, "expiresMs");
        const std::string kind = text(*e, "kind");
        if (kind == "token") {
            r.kind = Revocation::Kind::Token;
            r.value = text(*e, "jti");
        } else if (kind == "subject") {
            r.kind = Revocation::Kind::Subject;
            r.value = text(*e, "subject");
            r.cutoffMs = integer(*e, "cutoffMs");
        } else {
            throw std::runtime_error("entry " + std::to_string(i) + " has unknown kind '" + kind + "'");
        }
        page.entries.push_back(std::move(r));
    }
    return page;
}

// The start of an error body for the log (appended, not `substr + "..."`:
// GCC 12 reports a false -Warray-bounds on that at -O2).
std::string excerpt(const std::string& body) {
    constexpr size_t kMax = 200;
    std::string out(body, 0, std::min(body.size(), kMax));
    if (body.size() > kMax) out.append(3, '.');
    return out;
}

}  // namespace

RevocationPoller::RevocationPoller(RevocationSet& set, const Clock& clock, RevocationPollerOptions opts,
                                   std::string service, const TokenIssuer& issuer, Metrics* metrics)
    : set_(set),
      clock_(clock),
      opts_(std::move(opts)),
      service_(std::move(service)),
      issuer_(issuer),
      log_(Poco::Logger::get(service_ + ".revocations")),
      sync_(std::make_shared<Sync>()) {
    if (opts_.pollMs < 1 || opts_.timeoutSeconds < 1)
        throw std::invalid_argument("revocation poll: pollMs and timeout must be positive");
    while (!opts_.consoleUrl.empty() && opts_.consoleUrl.back() == '/') opts_.consoleUrl.pop_back();
    sync_->startedMs = clock_.nowMs();
    newClient();
    if (metrics) {
        failures_ = &metrics->counter("medbox_auth_revocation_poll_failures_total",
                                      "Polls of the console's token revocation list that failed.");
        metrics->gauge("medbox_auth_revocation_list_age_seconds",
                       "Seconds since the token revocation list was last fetched whole from the console "
                       "(since the start while it never was).",
                       [sync = sync_, &clock = clock_] {
                           const int64_t since = sync->lastMs.load() > 0 ? sync->lastMs.load() : sync->startedMs;
                           return static_cast<double>(clock.nowMs() - since) / 1000.0;
                       });
    }
}

RevocationPoller::~RevocationPoller() { stop(); }

void RevocationPoller::newClient() {
    Poco::Net::Context::Ptr tls;
    if (opts_.consoleUrl.rfind("https:", 0) == 0 && !opts_.trustDir.empty()) tls = tls::clientContext(opts_.trustDir);
    client_ = std::make_unique<HttpClient>(tls, opts_.timeoutSeconds);
}

void RevocationPoller::start() {
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stop_ = false;
    }
    thread_ = std::thread([this] { loop(); });
}

void RevocationPoller::stop() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void RevocationPoller::loop() {
    pthread_setname_np(pthread_self(), "revocations");
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        pollOnce();
        lock.lock();
        cv_.wait_for(lock, std::chrono::milliseconds(opts_.pollMs), [this] { return stop_; });
    }
}

void RevocationPoller::failed(const std::string& why) {
    if (failures_) failures_->inc();
    // Once per outage: a console down for an hour must not fill the log.
    if (!outage_) {
        log_.warning(
            "cannot fetch token revocations from %s: %s; the last list (%z entries) stays in force "
            "until the console answers again",
            opts_.consoleUrl, why, set_.size());
    }
    outage_ = true;
    // The console may have come up with a certificate this service has not read yet.
    newClient();
}

bool RevocationPoller::pollOnce() {
    try {
        return fetch();
    } catch (const std::exception& e) {
        failed(e.what());
        return false;
    }
}

bool RevocationPoller::fetch() {
    set_.purge(clock_.nowMs());
    const std::string token = issuer_.issue(Principal{Principal::Kind::Service, service_, {"service"}},
                                            kServiceTokenSeconds);
    // Applied only once the console has answered every page asked for, so a
    // failure half-way leaves the set and the sequence number as they were.
    int64_t after = after_;
    bool restarted = false;
    std::vector<Revocation> fresh;
    bool complete = false;
    for (int page = 0; page < kMaxPagesPerPoll && !complete; ++page) {
        const HttpResult r = client_->get(opts_.consoleUrl + kPath + std::to_string(after), token);
        if (r.status == 0) {
            failed(r.error);
            return false;
        }
        if (r.status != 200) {
            failed("HTTP " + std::to_string(r.status) + ": " + excerpt(r.body));
            return false;
        }
        Page p;
        try {
            p = parsePage(r.body);
        } catch (const std::exception& e) {
            failed(std::string("unexpected answer: ") + e.what());
            return false;
        }
        if (p.highestSeq < after) {
            // The console's list started over (a new or restored database):
            // what it numbers now is unrelated to what this set holds.
            log_.warning(
                "the console's token revocation list restarted (its last entry is %Ld, this service had %Ld): "
                "reading it whole",
                static_cast<Poco::Int64>(p.highestSeq), static_cast<Poco::Int64>(after));
            restarted = true;
            after = 0;
            fresh.clear();
            continue;
        }
        if (p.nextAfter <= after && p.nextAfter < p.highestSeq) {
            failed("unexpected answer: nextAfter " + std::to_string(p.nextAfter) + " does not move past " +
                   std::to_string(after));
            return false;
        }
        for (auto& e : p.entries) fresh.push_back(std::move(e));
        after = std::max(after, p.nextAfter);
        complete = after >= p.highestSeq;
    }
    const int64_t now = clock_.nowMs();
    if (restarted)
        set_.replace(fresh, now);
    else
        set_.add(fresh, now);
    after_ = after;
    if (!complete) return false;
    sync_->lastMs = now;
    if (outage_) {
        log_.notice("token revocations from %s are followed again (%z entries)", opts_.consoleUrl, set_.size());
    } else if (!everSynced_) {
        log_.information("following token revocations from %s (%z entries)", opts_.consoleUrl, set_.size());
    }
    outage_ = false;
    everSynced_ = true;
    return true;
}

}  // namespace medbox
