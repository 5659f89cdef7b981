#include "core/http/Server.h"
#include "core/http/StaffSession.h"
#include "core/http/StaticFiles.h"

#include "core/auth/Tokens.h"
#include "core/db/Statement.h"
#include "core/error/AppError.h"
#include "core/http/RequestHead.h"
#include "core/metrics/Metrics.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/URI.h>

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <shared_mutex>
#include <string_view>
#include <thread>
#include <unordered_map>

namespace medbox {

using namespace Poco::Net;

namespace {

int64_t steadyMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

struct Conn {
    StreamSocket socket;
    std::string in;    // bytes read and not yet consumed: the rest of a request, or pipelined ones
    std::string peer;  // the client's address
    int fd = -1;
    uint64_t id = 0;    // never reused: an epoll event names the connection, not the fd number
    bool busy = false;  // a worker has it (guarded by connMutex)
    int64_t parkedAtMs = 0;
    int served = 0;          // requests answered on this connection
    int64_t openedAtMs = 0;  // wall clock when accepted (Request::connectionOpenedAtMs)
};

// epoll data of the eventfd that stop() signals; connection ids start at 1.
constexpr uint64_t kWakeId = 0;

bool sameName(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool sane(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
    return true;
}

// Verified tokens are cached briefly: an ES256 check per request would cap
// throughput; entries never outlive the token's own expiry.
class TokenCache {
public:
    std::optional<Principal> get(const std::string& token, int64_t nowMs) {
        std::shared_lock lock(mutex_);  // readers do not serialise each other
        auto it = map_.find(token);
        if (it == map_.end() || it->second.untilMs <= nowMs) return std::nullopt;
        return it->second.principal;
    }
    void put(const std::string& token, const Principal& p, int64_t nowMs) {
        std::lock_guard lock(mutex_);
        if (map_.size() >= 10'000) map_.clear();
        int64_t until = nowMs + 60'000;
        if (p.expiresMs > 0) until = std::min(until, p.expiresMs);
        map_[token] = {p, until};
    }

private:
    struct Entry {
        Principal principal;
        int64_t untilMs;
    };
    std::shared_mutex mutex_;
    std::unordered_map<std::string, Entry> map_;
};

}  // namespace

struct Server::Impl {
    ServerOptions opts;
    const Router& router;
    const TokenVerifier* verifier;
    Metrics* metrics;
    Poco::Logger& log;
    http1::Limits limits;
    ServerSocket listener;
    int epfd = -1;        // parked connections; the workers wait on it themselves
    int acceptEpfd = -1;  // the listening socket; the accept thread waits on it
    int wakefd = -1;      // in both sets, level-triggered: stop() wakes every waiter
    std::atomic<bool> stopping{false};
    std::atomic<int64_t> lastLoop{0};
    std::thread loopThread;
    std::vector<std::thread> workers;

    std::mutex connMutex;  // guards conns, busy/parkedAtMs and every epoll_ctl on a connection fd
    std::unordered_map<uint64_t, std::shared_ptr<Conn>> conns;
    uint64_t nextConnId = 1;

    TokenCache tokenCache;
    std::atomic<uint64_t> requestCounter{0};
    std::string idPrefix;

    struct RouteMetrics {
        Histogram* latency;
        std::array<Counter*, 6> byClass;
    };
    std::unordered_map<const RouteInfo*, RouteMetrics> routeMetrics;
    RouteMetrics unmatched{};

    Impl(ServerOptions o, const Router& r, const TokenVerifier* v, Metrics* m)
        : opts(std::move(o)), router(r), verifier(v), metrics(m), log(Poco::Logger::get(opts.serviceName + ".http")) {}

    void prepareMetrics();
    void loop();
    void accept();
    void sweepIdle(int64_t now);
    void workerMain();
    void serve(const std::shared_ptr<Conn>& c);
    void park(const std::shared_ptr<Conn>& c);
    void close(const std::shared_ptr<Conn>& c);
    std::optional<http1::Refusal> readRequest(Conn& c, http1::RequestHead& head, std::string& body, bool* closed);
    bool readSome(Conn& c);
    // Returns whether the connection stays open (a handler may close it).
    bool handle(Conn& c, const http1::RequestHead& head, std::string body, bool keepAlive);
    void refuse(Conn& c, const http1::Refusal& why);
    void dispatch(Request& rq, Reply& rp, const RouteInfo** matched, std::string* allow, std::optional<Principal>* who);
    void answer(Conn& c, const Reply& rp, const std::string& rid, int minorVersion, bool keepAlive, bool head);
};

// Per-route metrics are created up front so the request path never locks.
void Server::Impl::prepareMetrics() {
    if (!metrics) return;
    auto make = [&](const std::string& route) {
        RouteMetrics rm{};
        std::string l = "route=\"" + escapeLabel(route) + "\"";
        rm.latency = &metrics->histogram("medbox_http_request_duration_seconds", "Time to answer a request", l);
        for (int c = 1; c <= 5; ++c)
            rm.byClass[c] = &metrics->counter("medbox_http_requests_total", "Requests answered",
                                              l + ",code=\"" + std::to_string(c) + "xx\"");
        return rm;
    };
    router.each([&](const RouteInfo& r) { routeMetrics[&r] = make(r.method + " " + r.pattern); });
    unmatched = make("unmatched");
    metrics->gauge("medbox_http_open_connections", "Open client connections", [this] {
        std::lock_guard lock(connMutex);
        return static_cast<double>(conns.size());
    });
}

// The accept thread: new connections, the idle sweep and the watchdog's
// heartbeat. Requests never pass through it (see workerMain).
void Server::Impl::loop() {
    constexpr int kMax = 8;
    epoll_event events[kMax];
    int64_t lastSweep = steadyMs();
    while (!stopping) {
        int n = epoll_wait(acceptEpfd, events, kMax, 500);
        int64_t now = steadyMs();
        lastLoop = now;
        for (int i = 0; i < n; ++i)
            if (events[i].data.fd == listener.impl()->sockfd()) accept();
        if (now - lastSweep >= 1000) {
            sweepIdle(now);
            lastSweep = now;
        }
    }
}

void Server::Impl::accept() {
    // The listener is non-blocking and level-triggered: take what is queued.
    for (int i = 0; i < 64 && !stopping; ++i) {
        StreamSocket s;
        try {
            s = listener.acceptConnection();
        } catch (const Poco::Exception&) {
            return;  // nothing more queued, the client gave up, or a TLS wrapper error: nothing to serve
        }
        std::lock_guard lock(connMutex);
        if (static_cast<int>(conns.size()) >= opts.maxConnections) {
            // Over the limit: refuse cheaply rather than let memory grow without bound.
            try {
                s.close();
            } catch (const Poco::Exception&) {
            }
            continue;
        }
        auto c = std::make_shared<Conn>();
        c->socket = s;
        c->fd = s.impl()->sockfd();
        try {
            c->socket.setNoDelay(true);
            c->socket.setBlocking(true);
            c->socket.setReceiveTimeout(Poco::Timespan(opts.ioTimeoutSeconds, 0));
            c->socket.setSendTimeout(Poco::Timespan(opts.ioTimeoutSeconds, 0));
            c->peer = c->socket.peerAddress().host().toString();
        } catch (const Poco::Exception&) {
            continue;
        }
        c->id = nextConnId++;
        c->parkedAtMs = steadyMs();
        c->openedAtMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
        ev.data.u64 = c->id;
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0) continue;
        conns[c->id] = c;
    }
}

void Server::Impl::sweepIdle(int64_t now) {
    // Decided and done under one lock: a worker takes a connection (busy)
    // under the same lock, so a connection it has just picked up is never closed here.
    std::lock_guard lock(connMutex);
    for (auto it = conns.begin(); it != conns.end();) {
        Conn& c = *it->second;
        if (c.busy || now - c.parkedAtMs <= opts.keepAliveSeconds * 1000LL) {
            ++it;
            continue;
        }
        epoll_ctl(epfd, EPOLL_CTL_DEL, c.fd, nullptr);
        try {
            c.socket.close();
        } catch (const Poco::Exception&) {
        }
        it = conns.erase(it);
    }
}

// Workers wait on the epoll set of parked connections themselves (each
// connection is registered EPOLLONESHOT, so one event goes to exactly one
// worker and the connection stays disarmed until park() re-arms it). A
// request therefore costs no hand-over between threads: the worker that
// wakes up reads it, answers it and parks the connection again.
void Server::Impl::workerMain() {
    pthread_setname_np(pthread_self(), "http-worker");
    // Lower this thread only (on Linux the "process" of setpriority is a
    // thread). Raising a nice value needs no privilege; if it fails anyway
    // (a seccomp filter without setpriority), the worker runs at normal priority.
    if (opts.workerNice > 0) {
        errno = 0;
        const int base = ::getpriority(PRIO_PROCESS, 0);
        if (errno == 0 &&
            ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), std::min(19, base + opts.workerNice)) != 0)
            Poco::Logger::get("http").warning("http workers keep their priority: setpriority: %s",
                                              std::string(std::strerror(errno)));
    }
    while (!stopping) {
        epoll_event ev{};
        int n = epoll_wait(epfd, &ev, 1, 500);
        if (n <= 0 || ev.data.u64 == kWakeId) continue;
        std::shared_ptr<Conn> c;
        {
            std::lock_guard lock(connMutex);
            auto it = conns.find(ev.data.u64);
            if (it == conns.end()) continue;  // closed by the idle sweep meanwhile
            c = it->second;
            c->busy = true;
        }
        serve(c);
    }
}

void Server::Impl::park(const std::shared_ptr<Conn>& c) {
    std::lock_guard lock(connMutex);
    if (!conns.count(c->id)) return;
    c->busy = false;
    c->parkedAtMs = steadyMs();
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.u64 = c->id;
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

void Server::Impl::close(const std::shared_ptr<Conn>& c) {
    std::lock_guard lock(connMutex);
    auto it = conns.find(c->id);
    if (it == conns.end() || it->second != c) return;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, nullptr);
    conns.erase(it);
    // Closed under the lock, like every epoll_ctl on the fd, so a reused fd
    // number is never touched on behalf of the old connection.
    try {
        c->socket.close();
    } catch (const Poco::Exception&) {
    }
}

// Reads more bytes of the connection into c.in; false when the client
// closed it. Throws Poco's TimeoutException after http.io_timeout_seconds.
bool Server::Impl::readSome(Conn& c) {
    char buf[16 * 1024];
    int n = c.socket.receiveBytes(buf, sizeof buf);
    if (n <= 0) return false;
    c.in.append(buf, static_cast<size_t>(n));
    return true;
}

// Reads one whole request: its head and all of its body, whatever the
// method, so that no byte of a body is ever taken for the next request
// (docs/http-server.md, "Framing"). A refusal ends the connection after its
// answer; *closed: the client went away (nothing to answer).
std::optional<http1::Refusal> Server::Impl::readRequest(Conn& c, http1::RequestHead& head, std::string& body,
                                                        bool* closed) {
    const int64_t deadline = steadyMs() + opts.requestTimeoutSeconds * 1000LL;
    auto more = [&]() -> std::optional<http1::Refusal> {
        try {
            if (!readSome(c)) *closed = true;
        } catch (const Poco::TimeoutException&) {
            if (c.in.empty())
                *closed = true;  // an idle keep-alive client
            else
                return http1::Refusal{Err::RequestTimeout, "the request did not arrive in time"};
        }
        // A client that sends a byte now and then holds a worker at most this long.
        if (!*closed && steadyMs() > deadline)
            return http1::Refusal{Err::RequestTimeout, "the request did not arrive in time"};
        return std::nullopt;
    };
    while (true) {
        http1::HeadResult r = http1::parseHead(c.in, limits);
        if (r.state == http1::HeadResult::State::Refused) return r.refusal;
        if (r.state == http1::HeadResult::State::Done) {
            head = std::move(r.head);
            c.in.erase(0, r.consumed);
            break;
        }
        if (auto late = more()) return late;
        if (*closed) return std::nullopt;
    }
    const std::string tooLarge = "request body is larger than " + std::to_string(opts.maxBodyBytes) + " bytes";
    if (head.body == http1::RequestHead::Body::Length && head.contentLength > opts.maxBodyBytes)
        return http1::Refusal{Err::PayloadTooLarge, tooLarge};
    if (head.body != http1::RequestHead::Body::None && head.expectContinue && c.in.empty()) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        c.socket.sendBytes(kContinue.data(), static_cast<int>(kContinue.size()));
    }
    if (head.body == http1::RequestHead::Body::Length) {
        const auto length = static_cast<size_t>(head.contentLength);
        while (c.in.size() < length) {
            if (auto late = more()) return late;
            if (*closed) return std::nullopt;
        }
        body.assign(c.in, 0, length);
        c.in.erase(0, length);
    } else if (head.body == http1::RequestHead::Body::Chunked) {
        http1::ChunkedDecoder decoder(opts.maxBodyBytes);
        while (true) {
            size_t used = 0;
            auto state = decoder.feed(c.in, body, &used);
            c.in.erase(0, used);
            if (state == http1::ChunkedDecoder::State::Refused) return decoder.refusal();
            if (state == http1::ChunkedDecoder::State::Done) break;
            if (auto late = more()) return late;
            if (*closed) return std::nullopt;
        }
    }
    return std::nullopt;
}

void Server::Impl::serve(const std::shared_ptr<Conn>& c) {
    try {
        // The worker is here because bytes arrived (or a pipelined request is
        // buffered), so it reads without a poll() first. The keep-alive
        // request limit is counted here.
        while (!stopping) {
            const bool last = opts.maxKeepAliveRequests > 0 && ++c->served >= opts.maxKeepAliveRequests;
            http1::RequestHead head;
            std::string body;
            bool closed = false;
            if (auto why = readRequest(*c, head, body, &closed)) {
                refuse(*c, *why);
                break;
            }
            if (closed) break;
            const bool keepAlive = head.keepAlive && !last;
            if (!handle(*c, head, std::move(body), keepAlive)) break;
            if (!c->in.empty() || c->socket.available() > 0) continue;  // pipelined request waiting
            park(c);
            return;
        }
    } catch (const Poco::Exception& e) {
        // Timeouts and resets of a single client: nothing to do but drop it.
        log.debug("connection dropped: %s", e.displayText());
    } catch (const std::exception& e) {
        log.error("connection error: %s", std::string(e.what()));
    }
    close(c);
}

// A request that cannot be framed: the error shape with its status, the
// security headers and a request id, then the connection is closed (what
// follows on it cannot be trusted to start a request).
void Server::Impl::refuse(Conn& c, const http1::Refusal& why) {
    Reply rp;
    rp.status(why.status());
    rp.rawJson(errorJson(why.err, why.message, {}));
    const std::string rid = idPrefix + std::to_string(++requestCounter);
    log.debug("request refused [%s]: %d %s", rid, rp.status(), why.message);
    if (metrics) unmatched.byClass[std::clamp(rp.status() / 100, 1, 5)]->inc();
    answer(c, rp, rid, 1, false, false);
}

// *allow: set for a 405, the methods the path has.
// *who: the caller once its token is accepted (for the router's observer).
void Server::Impl::dispatch(Request& rq, Reply& rp, const RouteInfo** matched, std::string* allow,
                            std::optional<Principal>* who) {
    auto m = router.match(rq.method(), rq.path(), rq.params());
    if (!m.route) {
        if (!m.allowed.empty()) {
            for (const auto& method : m.allowed) *allow += (allow->empty() ? "" : ", ") + method;
            throw AppError(Err::MethodNotAllowed, rq.method() + " is not allowed on " + rq.path());
        }
        throw AppError(Err::NotFound, "no such endpoint: " + rq.path());
    }
    *matched = m.route;
    rq.setRoutePattern(m.route->pattern);
    // A bearer token, or else (staff pages in a browser) the staff cookie.
    std::string token;
    bool viaCookie = false;
    std::string auth = rq.header("Authorization");
    if (!auth.empty()) {
        if (auth.rfind("Bearer ", 0) != 0)
            throw AppError(Err::Unauthenticated, "Authorization must be 'Bearer <token>'");
        token = auth.substr(7);
    } else if (opts.staffCookie && !m.route->access.isPublic()) {
        // Public routes (pages, the sign-in itself) ignore the cookie: a
        // stale one must not stand between a user and the sign-in page.
        if (auto v = staff_session::cookieIn(rq.header("Cookie")); v && !v->empty()) {
            token = *v;
            viaCookie = true;
        }
    }
    if (!token.empty()) {
        int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
        auto p = tokenCache.get(token, now);
        if (!p) {
            std::string why;
            if (verifier)
                p = verifier->verify(token, &why);
            else
                why = "no token verifier configured";
            if (!p) {
                // The reason goes to the log: told to the client, it would
                // guide someone forging tokens. Expired and revoked tokens
                // are what honest clients meet, so they are named.
                log.information("token refused [%s]: %s", rq.requestId(), why);
                const bool tellable = why == kTokenExpired || why == kTokenRevoked;
                throw AppError(Err::Unauthenticated, tellable ? "invalid token: " + why : "invalid token");
            }
            tokenCache.put(token, *p, now);
        } else if (verifier && verifier->revoked(*p)) {
            // Cached before it was revoked: the list is asked on every request.
            throw AppError(Err::Unauthenticated, "invalid token: " + std::string(kTokenRevoked));
        }
        if (viaCookie) {
            // Only the console's staff tokens ride in the cookie, and a change
            // made with it needs the CSRF header: the browser sends cookies
            // with requests other pages start, never this header.
            if (p->kind != Principal::Kind::Staff) throw AppError(Err::Unauthenticated, "invalid token");
            if (staff_session::changesState(rq.method()) &&
                !staff_session::csrfMatches(*p, rq.header(std::string(staff_session::kCsrfHeader))))
                throw AppError(Err::Forbidden, "missing or wrong X-CSRF-Token: reload the page");
        }
        rq.setPrincipal(*p, viaCookie);
        if (router.observer()) *who = *p;
    }
    if (!m.route->access.isPublic()) {
        if (!rq.principal()) throw AppError(Err::Unauthenticated, "this endpoint needs a token");
        if (!m.route->access.admits(*rq.principal())) {
            if (rq.principal()->kind == Principal::Kind::Staff && rq.principal()->hasRole(kMustChangePasswordRole))
                throw AppError(Err::Forbidden,
                               "change your password first: until then this sign-in allows only "
                               "the password change (POST /api/v1/auth/password on the console)");
            throw AppError(Err::Forbidden, "requires " + m.route->access.describe());
        }
    }
    (*m.handler)(rq, rp);
}

bool Server::Impl::handle(Conn& c, const http1::RequestHead& head, std::string body, bool keepAlive) {
    int64_t start = steadyMs();
    const std::string& uri = head.target;
    size_t q = uri.find('?');
    std::string rawPath = uri.substr(0, q);
    std::string path;
    Reply rp;
    const RouteInfo* matched = nullptr;
    const std::string* givenId = head.find("X-Request-Id");
    std::string rid = givenId && sane(*givenId) ? *givenId : idPrefix + std::to_string(++requestCounter);
    std::string allow;
    std::optional<Principal> who;
    // An error answer: the one shape, the status from the one table.
    auto fail = [&rp](Err err, const std::string& message, const std::string& field = {}) {
        rp = Reply();
        rp.status(errInfo(err).status);
        rp.rawJson(errorJson(err, message, field));
    };
    try {
        try {
            Poco::URI::decode(rawPath, path);
        } catch (const Poco::Exception&) {
            throw AppError(Err::BadRequest, "malformed percent-encoding in the path");
        }
        Request rq(head, std::move(body), path, q == std::string::npos ? std::string() : uri.substr(q + 1), c.peer);
        rq.setRequestId(rid);
        rq.setConnectionOpenedAtMs(c.openedAtMs);
        dispatch(rq, rp, &matched, &allow, &who);
    } catch (const AppError& e) {
        fail(e.err(), e.what(), e.field());
        if (e.err() == Err::Unauthenticated) rp.header("WWW-Authenticate", "Bearer");
        if (e.err() == Err::MethodNotAllowed) rp.header("Allow", allow);
    } catch (const db::DbError& e) {
        if (e.isFull() || e.isReadOnly()) {
            log.error("storage problem [%s]: %s", rid, std::string(e.what()));
            fail(Err::Unavailable,
                 e.isFull() ? "storage is full; nothing was changed" : "storage is read-only; nothing was changed");
        } else if (e.isConstraint()) {
            fail(Err::Conflict, "the change conflicts with existing data; nothing was changed");
        } else {
            log.error("database error [%s]: %s", rid, std::string(e.what()));
            fail(Err::Internal, "internal error; nothing was changed (request " + rid + ")");
        }
    } catch (const Poco::Exception& e) {
        log.error("unhandled error [%s]: %s", rid, e.displayText());
        fail(Err::Internal, "internal error (request " + rid + ")");
    } catch (const std::exception& e) {
        log.error("unhandled error [%s]: %s", rid, std::string(e.what()));
        fail(Err::Internal, "internal error (request " + rid + ")");
    }
    if (who) {
        try {
            router.observer()(*who, head.method, path, rp.status());
        } catch (const std::exception& e) {
            log.error("request observer failed [%s]: %s", rid, std::string(e.what()));
        }
    }
    // Counted before the answer leaves, so a client that has its answer also sees it counted.
    if (metrics) {
        const RouteMetrics* rm = &unmatched;
        if (matched) {
            auto it = routeMetrics.find(matched);
            if (it != routeMetrics.end()) rm = &it->second;
        }
        int cls = std::clamp(rp.status() / 100, 1, 5);
        if (rm->byClass[cls]) rm->byClass[cls]->inc();
        if (rm->latency) rm->latency->observe(static_cast<double>(steadyMs() - start) / 1000.0);
    }
    // A handler may end the connection after its answer ("Connection: close").
    const auto asked = rp.headers().find("Connection");
    if (asked != rp.headers().end() && sameName(asked->second, "close")) keepAlive = false;
    answer(c, rp, rid, head.minorVersion, keepAlive, head.method == "HEAD");
    return keepAlive;
}

// The answer goes out in one write: status line, headers and body in one
// buffer, so one TLS record and one send(). Handler headers replace
// defaults of the same name.
void Server::Impl::answer(Conn& c, const Reply& rp, const std::string& rid, int minorVersion, bool keepAlive,
                          bool head) {
    const int status = rp.status();
    struct Field {
        std::string_view name;
        std::string_view value;
    };
    Field fields[16];
    size_t nf = 0;
    fields[nf++] = {"Content-Type", rp.contentType()};
    fields[nf++] = {"X-Request-Id", rid};
    fields[nf++] = {"X-Content-Type-Options", "nosniff"};
    fields[nf++] = {"X-Frame-Options", "DENY"};
    fields[nf++] = {"Referrer-Policy", "no-referrer"};
    fields[nf++] = {"Content-Security-Policy", kContentSecurityPolicy};
    if (opts.tls) fields[nf++] = {"Strict-Transport-Security", "max-age=31536000"};
    fields[nf++] = {"Cache-Control", "no-store"};
    std::vector<Field> extra;
    for (const auto& [k, v] : rp.headers()) {
        if (sameName(k, "Connection")) continue;  // decided by handle(), written below
        bool replaced = false;
        for (size_t i = 0; i < nf && !replaced; ++i) {
            if (sameName(fields[i].name, k)) {
                fields[i].value = v;
                replaced = true;
            }
        }
        if (!replaced) extra.push_back({k, v});
    }
    const std::string& body = rp.bytes();
    std::string out;
    out.reserve(512 + (head ? 0 : body.size()));
    out += minorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += HTTPResponse::getReasonForStatus(static_cast<HTTPResponse::HTTPStatus>(status));
    out += "\r\n";
    auto field = [&out](std::string_view name, std::string_view value) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    };
    field("Connection", keepAlive ? "Keep-Alive" : "Close");
    for (size_t i = 0; i < nf; ++i) field(fields[i].name, fields[i].value);
    for (const auto& f : extra) field(f.name, f.value);
    // 204 and 304 have no body; 204 must not say it has one (RFC 9110, 8.6)
    // and a 304's length would be the full answer's, which it does not carry.
    const bool bodyless = status == 204 || status == 304;
    if (!bodyless) field("Content-Length", std::to_string(body.size()));
    out += "\r\n";
    if (!head && !bodyless) out += body;
    for (size_t sent = 0; sent < out.size();) {
        int n = c.socket.sendBytes(out.data() + sent, static_cast<int>(out.size() - sent));
        if (n <= 0) throw Poco::Net::NetException("connection closed while sending the answer");
        sent += static_cast<size_t>(n);
    }
}

Server::Server(ServerOptions opts, const Router& router, const TokenVerifier* verifier, Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(opts), router, verifier, metrics)) {}

Server::~Server() { stop(); }

void Server::start() {
    auto& i = *impl_;
    SocketAddress addr(i.opts.host, static_cast<Poco::UInt16>(i.opts.port));
    if (i.opts.tls)
        i.listener = SecureServerSocket(addr, 256, i.opts.tls);
    else
        i.listener = ServerSocket(addr, 256);
    i.listener.setBlocking(false);
    i.idPrefix = i.opts.serviceName + "-" + std::to_string(::getpid()) + "-";
    i.prepareMetrics();
    i.epfd = epoll_create1(EPOLL_CLOEXEC);
    i.acceptEpfd = epoll_create1(EPOLL_CLOEXEC);
    i.wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = i.listener.impl()->sockfd();
    epoll_ctl(i.acceptEpfd, EPOLL_CTL_ADD, ev.data.fd, &ev);
    ev.data.fd = i.wakefd;
    epoll_ctl(i.acceptEpfd, EPOLL_CTL_ADD, i.wakefd, &ev);
    ev.data.u64 = kWakeId;
    epoll_ctl(i.epfd, EPOLL_CTL_ADD, i.wakefd, &ev);
    i.lastLoop = steadyMs();
    i.loopThread = std::thread([&i] { i.loop(); });
    for (int w = 0; w < std::max(1, i.opts.workers); ++w) i.workers.emplace_back([&i] { i.workerMain(); });
}

void Server::stop() {
    auto& i = *impl_;
    if (!i.loopThread.joinable()) return;
    i.stopping = true;
    // Never read: level-triggered, it wakes every thread waiting in either set.
    uint64_t one = 1;
    [[maybe_unused]] auto w = ::write(i.wakefd, &one, sizeof one);
    i.loopThread.join();
    for (auto& t : i.workers) t.join();
    i.workers.clear();
    std::vector<std::shared_ptr<Conn>> all;
    {
        std::lock_guard lock(i.connMutex);
        for (auto& [id, c] : i.conns) all.push_back(c);
    }
    for (auto& c : all) i.close(c);
    try {
        i.listener.close();
    } catch (const Poco::Exception&) {
    }
    ::close(i.epfd);
    ::close(i.acceptEpfd);
    ::close(i.wakefd);
}

int Server::port() const { return impl_->listener.address().port(); }
int64_t Server::lastLoopMs() const { return impl_->lastLoop.load(); }
size_t Server::openConnections() const {
    std::lock_guard lock(impl_->connMutex);
    return impl_->conns.size();
}

}  // namespace medbox
