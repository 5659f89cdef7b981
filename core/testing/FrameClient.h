#pragma once
// A client socket for tests of TCP listeners (core/net TcpListener and the
// services that host one). gtest only: failures are reported with ASSERT.
#include "core/net/Framer.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace medbox::testutil {

// A blocking loopback client for listener tests: sends bytes, reads framed
// answers with a timeout, tells when the listener closed the connection.
class FrameClient {
public:
    explicit FrameClient(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
    }
    ~FrameClient() { close(); }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }
    void send(const std::string& bytes) {
        ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    }
    // Reads until one frame is whole; nullopt when the connection ends or nothing comes in time.
    std::optional<std::string> frame(const net::Framer& f,
                                     std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto s = f.scan(buf_, 0, 1 << 24);
            if (s.kind == net::FrameScan::Kind::Frame) {
                std::string payload = buf_.substr(s.payloadOffset, s.payloadBytes);
                buf_.erase(0, s.frameBytes);
                return payload;
            }
            if (s.kind == net::FrameScan::Kind::Error || !readSome(until)) return std::nullopt;
        }
    }
    // True when the listener closes the connection within the timeout.
    bool closedWithin(std::chrono::milliseconds timeout) {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (readSome(until)) {
        }
        return eof_;
    }

private:
    bool readSome(std::chrono::steady_clock::time_point until) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
        char chunk[65536];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            eof_ = true;
            return false;
        }
        buf_.append(chunk, static_cast<size_t>(n));
        return true;
    }
    int fd_ = -1;
    std::string buf_;
    bool eof_ = false;
};

}  // namespace medbox::testutil
