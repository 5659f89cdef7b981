#pragma once
// The services part of the overview (docs/console.md, "Overview"): every
// console.peer_check_seconds the console asks each other service of the
// table for /readyz and, with its service token, /api/v1/system/backlog, and
// reads each service's certificate from the trust folder (expiry and SHA-256
// fingerprint); its own state comes from its own database. The API returns
// the last round, so a page never waits for a service that hangs.
//
// Owned by ConsoleApp; checkOnce() runs on the PeriodicJob's thread (or a
// test's), snapshot() on worker threads (under a mutex).
#include "core/auth/Tokens.h"
#include "core/net/HttpClient.h"
#include "core/outbox/Outbox.h"
#include "core/net/Tls.h"
#include "core/service/PeriodicJob.h"
#include "domain/ConsoleEnv.h"
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

// What waits in one outbox for one destination, as the overview shows it.
struct BacklogView {
    std::string destination;
    int64_t pending = 0;
    int64_t oldestAgeSeconds = 0;
    int64_t headAttempts = 0;
    std::string headError;
};

struct ServiceState {
    std::string name;
    std::string url;        // empty for the console itself
    int64_t checkedMs = 0;  // 0: not checked yet
    bool ready = false;     // /readyz answered 200
    std::string error;      // why it is not ready or its backlog is unknown
    bool backlogKnown = false;
    std::vector<BacklogView> backlog;                 // destinations with undelivered messages
    std::optional<tls::CertificateInfo> certificate;  // trust/<name>.crt
};

class PeerStatus {
public:
    static constexpr int kTimeoutSeconds = 3;

    // self: this service's name ("console"); its state is read locally.
    PeerStatus(ConsoleEnv& env, const TokenIssuer& issuer, std::string trustDir, std::string self);
    ~PeerStatus();

    void start(Poco::Logger& logger);
    void stop();
    // One round over every service; replaces the snapshot.
    void checkOnce();
    // The console first, then the others in table order.
    std::vector<ServiceState> snapshot() const;
    // GET url + pathAndQuery of one peer with a short-lived service token of
    // the console (the audit viewer's reader); nullopt when the peer has no
    // console.peers.<name>.url.
    std::optional<HttpResult> get(const std::string& name, const std::string& pathAndQuery, int timeoutSeconds) const;

private:
    ServiceState checkPeer(const std::string& name, const std::string& url) const;

    ConsoleEnv& env_;
    const TokenIssuer& issuer_;
    std::string trustDir_;
    std::string self_;
    mutable std::mutex mutex_;
    std::vector<ServiceState> last_;  // under mutex_
    std::unique_ptr<PeriodicJob> job_;
};

}  // namespace medbox::console
