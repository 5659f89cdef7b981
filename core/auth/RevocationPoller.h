#pragma once
// Keeps a service's RevocationSet in step with the console's list: a thread
// asks the console every pollMs for the entries after the last sequence
// number it has (GET /api/v1/auth/revocations?after=SEQ, with a service
// token). When the console cannot be reached, the last list stays in force
// (a token it misses still ends at its expiry, 15 minutes by default); the
// outage is logged once, and /metrics shows how old the list is. Every
// service but the console runs one; ServiceApp starts and stops it.
// See docs/security.md, "Revocation".
#include "core/auth/RevocationSet.h"
#include "core/net/HttpClient.h"
#include "core/time/Clock.h"
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace medbox {

class Counter;
class Metrics;
class TokenIssuer;

struct RevocationPollerOptions {
    std::string consoleUrl;  // scheme, host and port: "https://127.0.0.1:9443"
    int64_t pollMs = 5000;
    int timeoutSeconds = 5;
    // The console's certificate is trusted through this folder; it is read
    // again after a failed call, so a console that started (or renewed its
    // certificate) after this service is reached without a restart.
    std::string trustDir;
};

class RevocationPoller {
public:
    // service: this service's name (its service token's subject).
    RevocationPoller(RevocationSet& set, const Clock& clock, RevocationPollerOptions opts, std::string service,
                     const TokenIssuer& issuer, Metrics* metrics);
    ~RevocationPoller();
    void start();
    void stop();
    // Fetches what is new, synchronously; true when the set now holds the
    // console's whole list. Called by the thread; ServiceApp calls it once
    // before listening, so a restarted service does not accept a token
    // revoked while it was down. Not concurrently with the thread.
    bool pollOnce();
    // When the set last held the console's whole list (ms since the epoch; 0: never).
    int64_t lastSyncMs() const { return sync_->lastMs.load(); }

private:
    struct Sync {
        std::atomic<int64_t> lastMs{0};
        int64_t startedMs = 0;
    };
    void loop();
    bool fetch();
    void failed(const std::string& why);
    void newClient();

    RevocationSet& set_;
    const Clock& clock_;
    RevocationPollerOptions opts_;
    std::string service_;
    const TokenIssuer& issuer_;
    Poco::Logger& log_;
    std::unique_ptr<HttpClient> client_;
    // Shared with the metrics gauge, which may outlive this object.
    std::shared_ptr<Sync> sync_;
    Counter* failures_ = nullptr;
    int64_t after_ = 0;    // the last seq applied (polling thread only)
    bool outage_ = false;  // a failure has been logged and no success since (polling thread only)
    bool everSynced_ = false;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stop_ = false;  // under mutex_
    std::thread thread_;
};

}  // namespace medbox
