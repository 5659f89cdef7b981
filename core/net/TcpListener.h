#pragma once
// A TCP listener for protocols that are not HTTP (MLLP from the HIS, a HIS
// socket interface with a length header): accepts connections, cuts each
// byte stream into frames with a Framer, hands every frame to the handler on
// the connection's thread and writes the handler's answer back, framed.
//
// Limits on everything a peer controls: a frame's size, the time a frame may
// take to arrive (a peer that sends half a frame and hangs), the time between
// frames, the time an answer may take to be written, the number of
// connections (beyond it a connection is accepted and closed at once). A
// peer that breaks the framing is disconnected: there is no message to answer.
//
// One thread accepts; it is the heartbeat the systemd watchdog checks
// (lastLoopMs, as Server's). Each connection has its own thread: these
// peers are few and long-lived (an interface engine keeps one or two
// connections open), and a slow or hung peer then holds nothing another
// needs. Owned by ServiceApp (addListener) or a test; start() once, stop()
// (or the destructor) joins every thread.
#include "core/net/Framer.h"
#include <Poco/Logger.h>
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace medbox::net {

struct TcpListenerOptions {
    std::string name = "tcp";  // in thread names and the logger "<service>.<name>": "mllp", "his"
    std::string serviceName;   // "hisbridge"; empty in tests
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port (tests), see port()
    int maxConnections = 64;
    size_t maxFrameBytes = 1 << 20;   // a message's size, envelope not counted
    int64_t readTimeoutMs = 30'000;   // a frame must arrive whole this long after its first byte
    int64_t idleTimeoutMs = 600'000;  // a connection with no frame under way is closed after this
    int64_t writeTimeoutMs = 15'000;  // an answer must be written within this
    // Short connections (the HIS socket interface): one frame, one answer,
    // then the listener closes the connection; bytes after the first frame
    // are not read as another request.
    bool oneFramePerConnection = false;
};

struct Peer {
    std::string address;  // "10.1.2.3:50312"
    uint64_t connection;  // numbered from 1 by the listener, never reused
};

// Runs on the connection's thread, one frame at a time per connection: the
// answer's payload (the listener frames it), or nullopt for none. An exception
// closes that connection and is logged; it never reaches the other connections.
using FrameHandler = std::function<std::optional<std::string>(std::string_view payload, const Peer& peer)>;

class TcpListener {
public:
    TcpListener(TcpListenerOptions opts, std::shared_ptr<const Framer> framer, FrameHandler handler);
    ~TcpListener();
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;

    // Binds and starts accepting; throws (Poco::Exception, std::system_error) when it cannot.
    void start();
    // Stops accepting, ends every connection (an answer being written is cut
    // off; a handler that runs is waited for) and joins the threads.
    void stop();
    int port() const;
    const TcpListenerOptions& options() const { return opts_; }
    // Time of the accept loop's last turn (ms, steady clock), for the watchdog.
    int64_t lastLoopMs() const { return lastLoopMs_.load(); }
    // Connections open now (tests, metrics).
    size_t connections() const;

private:
    struct Connection;
    void acceptLoop();
    void serve(Connection& c);
    std::string run(Connection& c);
    std::string write(Connection& c, const std::string& bytes);
    void reap(bool all);
    void report(const Peer& peer, const std::string& why);

    TcpListenerOptions opts_;
    std::shared_ptr<const Framer> framer_;
    FrameHandler handler_;
    Poco::Logger& log_;
    struct Socket;
    std::unique_ptr<Socket> socket_;
    int stopFd_ = -1;  // eventfd: readable once stop() was called; every poll() waits on it too
    std::atomic<int64_t> lastLoopMs_{0};
    std::thread acceptThread_;
    mutable std::mutex mutex_;
    std::list<std::unique_ptr<Connection>> connections_;  // under mutex_
    uint64_t nextId_ = 1;                                 // accept thread only
    // A flood of bad peers must not flood the log: one line per 10 s, with a count.
    std::mutex logMutex_;
    int64_t lastReportMs_ = 0;
    uint64_t unreported_ = 0;
};

}  // namespace medbox::net
