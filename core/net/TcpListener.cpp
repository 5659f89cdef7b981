#include "core/net/TcpListener.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

namespace medbox::net {

namespace {

int64_t steadyMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// How often the accept loop turns when nothing happens: the watchdog sees it alive.
constexpr int kLoopMs = 500;
// Bytes a framer's envelope may add to a message (MLLP: 3); more buffered
// without a frame is an error even if the framer has not said so.
constexpr size_t kEnvelopeSlack = 64;
constexpr int64_t kReportEveryMs = 10'000;

void nameThread(const std::string& name) {
    std::string n = name.substr(0, 15);
    pthread_setname_np(pthread_self(), n.c_str());
}

// Waits until fd is ready for `events` or stopFd is readable; false on stop or timeout.
enum class Wait { Ready, Stopped, TimedOut };
Wait waitFor(int fd, short events, int stopFd, int64_t timeoutMs) {
    pollfd p[2] = {{fd, events, 0}, {stopFd, POLLIN, 0}};
    for (;;) {
        const int n = ::poll(p, 2, static_cast<int>(std::max<int64_t>(timeoutMs, 0)));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::system_error(errno, std::generic_category(), "poll");
        if (p[1].revents) return Wait::Stopped;
        if (n == 0) return Wait::TimedOut;
        return Wait::Ready;
    }
}

}  // namespace

struct TcpListener::Socket {
    Poco::Net::ServerSocket server;
};

struct TcpListener::Connection {
    int fd = -1;
    Peer peer;
    std::atomic<bool> done{false};
    std::thread thread;
};

TcpListener::TcpListener(TcpListenerOptions opts, std::shared_ptr<const Framer> framer, FrameHandler handler)
    : opts_(std::move(opts)),
      framer_(std::move(framer)),
      handler_(std::move(handler)),
      log_(Poco::Logger::get(opts_.serviceName.empty() ? opts_.name : opts_.serviceName + "." + opts_.name)) {
    if (!framer_ || !handler_)
        throw std::invalid_argument("tcp listener " + opts_.name + ": a framer and a handler are needed");
    if (opts_.maxConnections < 1 || opts_.maxFrameBytes < 1 || opts_.readTimeoutMs < 1 || opts_.idleTimeoutMs < 1 ||
        opts_.writeTimeoutMs < 1)
        throw std::invalid_argument("tcp listener " + opts_.name + ": limits and timeouts must be positive");
}

TcpListener::~TcpListener() {
    stop();
    if (stopFd_ >= 0) ::close(stopFd_);
}

void TcpListener::start() {
    if (acceptThread_.joinable()) return;
    if (stopFd_ < 0) {
        stopFd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (stopFd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
    }
    socket_ = std::make_unique<Socket>(Socket{
        Poco::Net::ServerSocket(Poco::Net::SocketAddress(opts_.host, static_cast<Poco::UInt16>(opts_.port)), 64)});
    socket_->server.setBlocking(false);
    lastLoopMs_ = steadyMs();
    acceptThread_ = std::thread([this] { acceptLoop(); });
}

void TcpListener::stop() {
    if (!acceptThread_.joinable()) return;
    const uint64_t one = 1;
    if (::write(stopFd_, &one, sizeof one) < 0) { /* an eventfd write of 1 cannot fail short of a bug */
    }
    acceptThread_.join();
    reap(true);
    socket_.reset();
    uint64_t drained = 0;
    if (::read(stopFd_, &drained, sizeof drained) < 0) { /* nothing to drain */
    }
}

int TcpListener::port() const { return socket_ ? socket_->server.address().port() : 0; }

size_t TcpListener::connections() const {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& c : connections_) n += !c->done;
    return n;
}

void TcpListener::reap(bool all) {
    std::list<std::unique_ptr<Connection>> ended;
    {
        std::lock_guard lock(mutex_);
        for (auto it = connections_.begin(); it != connections_.end();) {
            if (all || (*it)->done) {
                ended.push_back(std::move(*it));
                it = connections_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& c : ended) c->thread.join();
}

void TcpListener::acceptLoop() {
    nameThread(opts_.name + "-accept");
    const int listenFd = socket_->server.impl()->sockfd();
    for (;;) {
        lastLoopMs_ = steadyMs();
        const Wait w = waitFor(listenFd, POLLIN, stopFd_, kLoopMs);
        if (w == Wait::Stopped) return;
        reap(false);
        if (w == Wait::TimedOut) continue;
        for (;;) {
            sockaddr_storage sa{};
            socklen_t len = sizeof sa;
            const int fd = ::accept4(listenFd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                const int e = errno;
                if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ECONNABORTED) break;
                // Out of descriptors or memory: the connection stays queued and
                // the socket readable; pause rather than spin on it.
                report(Peer{"?", 0}, std::string("accept failed: ") + std::strerror(e));
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                break;
            }
            Peer peer{Poco::Net::SocketAddress(reinterpret_cast<sockaddr*>(&sa), len).toString(), nextId_++};
            if (connections() >= static_cast<size_t>(opts_.maxConnections)) {
                ::close(fd);
                report(peer, "refused: " + std::to_string(opts_.maxConnections) + " connections are open (the limit)");
                continue;
            }
            auto c = std::make_unique<Connection>();
            c->fd = fd;
            c->peer = std::move(peer);
            Connection& ref = *c;
            std::lock_guard lock(mutex_);
            connections_.push_back(std::move(c));
            try {
                ref.thread = std::thread([this, &ref] { serve(ref); });
            } catch (const std::system_error& e) {  // out of threads: this connection only
                const Peer who = ref.peer;
                ::close(fd);
                connections_.pop_back();
                report(who, std::string("refused: cannot start a thread: ") + e.what());
            }
        }
    }
}

void TcpListener::serve(Connection& c) {
    nameThread(opts_.name + "-conn");
    std::string why;
    bool bug = false;
    try {
        why = run(c);
    } catch (const std::exception& e) {
        why = std::string("closed after an error: ") + e.what();
        bug = true;
    }
    ::close(c.fd);
    if (bug)
        log_.error("%s connection %Lu from %s %s", std::string(framer_->name()), c.peer.connection, c.peer.address,
                   why);
    else if (!why.empty())
        report(c.peer, why);
    c.done = true;
}

// Serves one connection until it ends; the reason when it ended badly, empty
// when the peer closed between frames, the idle timeout passed or stop() was called.
std::string TcpListener::run(Connection& c) {
    std::string buf;
    size_t checked = 0;
    int64_t frameStartMs = 0;  // first byte of the frame under way; 0: none
    int64_t lastMs = steadyMs();
    char chunk[16 * 1024];
    for (;;) {
        while (!buf.empty()) {
            const FrameScan s = framer_->scan(buf, checked, opts_.maxFrameBytes);
            if (s.kind == FrameScan::Kind::Error) return "framing error: " + s.error;
            if (s.kind == FrameScan::Kind::NeedMore) {
                if (buf.size() > opts_.maxFrameBytes + kEnvelopeSlack)
                    return "frame longer than " + std::to_string(opts_.maxFrameBytes) + " bytes";
                checked = s.checked;
                break;
            }
            if (s.frameBytes == 0 || s.frameBytes > buf.size() || s.payloadOffset > s.frameBytes ||
                s.payloadBytes > s.frameBytes - s.payloadOffset || s.payloadBytes > opts_.maxFrameBytes)
                throw std::logic_error(std::string(framer_->name()) +
                                       " framer returned a frame outside the bytes read");
            std::optional<std::string> answer = handler_(std::string_view(buf).substr(s.payloadOffset, s.payloadBytes),
                                                         c.peer);
            buf.erase(0, s.frameBytes);
            checked = 0;
            lastMs = steadyMs();
            frameStartMs = buf.empty() ? 0 : lastMs;
            if (answer) {
                const std::string bytes = framer_->wrap(*answer);
                if (auto failed = write(c, bytes); !failed.empty()) return failed;
            }
            if (opts_.oneFramePerConnection) return {};
        }
        const int64_t deadline = frameStartMs ? frameStartMs + opts_.readTimeoutMs : lastMs + opts_.idleTimeoutMs;
        const Wait w = waitFor(c.fd, POLLIN, stopFd_, deadline - steadyMs());
        if (w == Wait::Stopped) return {};
        if (w == Wait::TimedOut) {
            if (!frameStartMs) return {};  // idle: a normal end
            return "frame not complete " + std::to_string(opts_.readTimeoutMs) + " ms after it began (" +
                   std::to_string(buf.size()) + " bytes received)";
        }
        const ssize_t n = ::recv(c.fd, chunk, sizeof chunk, 0);
        if (n == 0) return buf.empty() ? std::string() : "peer closed the connection in the middle of a frame";
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            return std::string("read failed: ") + std::strerror(errno);
        }
        lastMs = steadyMs();
        if (buf.empty()) frameStartMs = lastMs;
        buf.append(chunk, static_cast<size_t>(n));
    }
}

std::string TcpListener::write(Connection& c, const std::string& bytes) {
    const int64_t deadline = steadyMs() + opts_.writeTimeoutMs;
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(c.fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return std::string("write failed: ") + std::strerror(errno);
        const Wait w = waitFor(c.fd, POLLOUT, stopFd_, deadline - steadyMs());
        if (w == Wait::Stopped) return {};
        if (w == Wait::TimedOut)
            return "answer not written within " + std::to_string(opts_.writeTimeoutMs) + " ms (" +
                   std::to_string(sent) + " of " + std::to_string(bytes.size()) + " bytes sent)";
    }
    return {};
}

void TcpListener::report(const Peer& peer, const std::string& why) {
    const int64_t now = steadyMs();
    uint64_t skipped = 0;
    {
        std::lock_guard lock(logMutex_);
        if (lastReportMs_ != 0 && now - lastReportMs_ < kReportEveryMs) {
            ++unreported_;
            return;
        }
        lastReportMs_ = now;
        skipped = unreported_;
        unreported_ = 0;
    }
    std::string more = skipped ? " (" + std::to_string(skipped) + " more such connection ends in the last seconds)"
                               : "";
    log_.warning("%s connection %Lu from %s: %s%s", std::string(framer_->name()), peer.connection, peer.address, why,
                 more);
}

}  // namespace medbox::net
