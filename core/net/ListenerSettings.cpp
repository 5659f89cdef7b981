#include "core/net/ListenerSettings.h"

namespace medbox::net {

TcpListenerOptions listenerOptions(const Settings& s, const std::string& key, TcpListenerOptions o) {
    constexpr int64_t kDayMs = 86'400'000;
    o.host = s.str(key + ".host", o.host);
    o.port = static_cast<int>(s.integer(key + ".port", o.port, 0, 65535));
    o.maxConnections = static_cast<int>(s.integer(key + ".max_connections", o.maxConnections, 1, 10'000));
    o.maxFrameBytes = static_cast<size_t>(
        s.integer(key + ".max_frame_bytes", static_cast<int64_t>(o.maxFrameBytes), 1024, 64 << 20));
    o.readTimeoutMs = s.integer(key + ".read_timeout_ms", o.readTimeoutMs, 100, kDayMs);
    o.idleTimeoutMs = s.integer(key + ".idle_timeout_ms", o.idleTimeoutMs, 100, 7 * kDayMs);
    o.writeTimeoutMs = s.integer(key + ".write_timeout_ms", o.writeTimeoutMs, 100, kDayMs);
    return o;
}

}  // namespace medbox::net
