#include "domain/PeerStatus.h"

#include "core/net/HttpClient.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

namespace medbox::console {

namespace {

// The backlog answer of a peer; throws on anything not of its shape.
std::vector<BacklogView> parseBacklog(const std::string& body) {
    Poco::JSON::Parser parser;
    auto root = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
    auto list = root->getArray("destinations");
    if (!list) throw std::runtime_error("no destinations");
    std::vector<BacklogView> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto o = list->getObject(static_cast<unsigned>(i));
        if (!o) throw std::runtime_error("not an object");
        BacklogView b;
        b.destination = o->getValue<std::string>("destination");
        b.pending = o->getValue<int64_t>("pending");
        b.headAttempts = o->getValue<int64_t>("headAttempts");
        b.headError = o->optValue<std::string>("headError", "");
        b.oldestAgeSeconds = o->getValue<int64_t>("oldestAgeSeconds");  // by the peer's clock
        out.push_back(std::move(b));
    }
    return out;
}

}  // namespace

PeerStatus::PeerStatus(ConsoleEnv& env, const TokenIssuer& issuer, std::string trustDir, std::string self)
    : env_(env), issuer_(issuer), trustDir_(std::move(trustDir)), self_(std::move(self)) {}

PeerStatus::~PeerStatus() { stop(); }

void PeerStatus::start(Poco::Logger& logger) {
    if (job_) return;
    job_ = std::make_unique<PeriodicJob>(
        "service status", env_.clock, env_.config.peerCheckSeconds * 1000LL, [this] { checkOnce(); }, logger);
    job_->start();
}

void PeerStatus::stop() {
    if (job_) job_->stop();
}

ServiceState PeerStatus::checkPeer(const std::string& name, const std::string& url) const {
    ServiceState s;
    s.name = name;
    s.url = url;
    HttpClient client(tls::clientContext(trustDir_), kTimeoutSeconds);
    const auto ready = client.get(url + "/readyz", "");
    s.ready = ready.status == 200;
    if (ready.status == 0) {
        s.error = "not answering: " + ready.error;
        return s;
    }
    if (!s.ready) s.error = "/readyz answered " + std::to_string(ready.status);
    const std::string token = issuer_.issue(Principal{Principal::Kind::Service, self_, {"service"}}, 60);
    const auto backlog = client.get(url + "/api/v1/system/backlog", token);
    if (backlog.status == 200) {
        try {
            s.backlog = parseBacklog(backlog.body);
            s.backlogKnown = true;
        } catch (const std::exception& e) {
            s.error = "backlog: unexpected answer";
        }
    } else if (s.error.empty()) {
        s.error = "backlog: " + (backlog.status == 0 ? backlog.error : "HTTP " + std::to_string(backlog.status));
    }
    return s;
}

void PeerStatus::checkOnce() {
    std::vector<ServiceState> round;
    ServiceState own;
    own.name = self_;
    own.ready = true;
    own.backlogKnown = true;
    const int64_t now = env_.now();
    for (const auto& b : env_.db.read([](db::Connection& c) { return Outbox::backlog(c); })) {
        own.backlog.push_back({b.destination, b.pending, std::max<int64_t>(0, (now - b.oldestCreatedMs) / 1000),
                               b.headAttempts, b.headError});
    }
    round.push_back(std::move(own));
    for (const auto& [name, url] : env_.config.peerUrls) round.push_back(checkPeer(name, url));
    for (auto& s : round) {
        s.checkedMs = env_.now();
        s.certificate = tls::readCertificate(trustDir_ + "/" + s.name + ".crt");
    }
    std::lock_guard lock(mutex_);
    last_ = std::move(round);
}

std::optional<HttpResult> PeerStatus::get(const std::string& name, const std::string& pathAndQuery,
                                          int timeoutSeconds) const {
    for (const auto& [peer, url] : env_.config.peerUrls) {
        if (peer != name) continue;
        HttpClient client(tls::clientContext(trustDir_), timeoutSeconds);
        const std::string token = issuer_.issue(Principal{Principal::Kind::Service, self_, {"service"}}, 60);
        return client.get(url + pathAndQuery, token);
    }
    return std::nullopt;
}

std::vector<ServiceState> PeerStatus::snapshot() const {
    std::lock_guard lock(mutex_);
    return last_;
}

}  // namespace medbox::console
