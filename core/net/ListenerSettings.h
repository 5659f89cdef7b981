#pragma once
// A TCP listener's configuration keys, read the same way for every listener:
// <key>.host, .port, .max_connections, .max_frame_bytes, .read_timeout_ms,
// .idle_timeout_ms, .write_timeout_ms (docs/tcp-listener.md). Each has the
// default the service passes; a value out of range is a ConfigError naming
// the key, as for every other key.
#include "core/config/Settings.h"
#include "core/net/TcpListener.h"

namespace medbox::net {

// key: "hisbridge.mllp"; defaults: the service's (name, port...).
TcpListenerOptions listenerOptions(const Settings& settings, const std::string& key, TcpListenerOptions defaults);

}  // namespace medbox::net
