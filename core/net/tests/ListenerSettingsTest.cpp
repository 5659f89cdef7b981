// A listener's keys: defaults kept when unset, values read when set, and a
// value out of range refused with the key's name.
#include "core/net/ListenerSettings.h"

#include <gtest/gtest.h>

using namespace medbox;

TEST(ListenerSettingsTest, DefaultsStayAndSetKeysAreRead) {
    Settings s;
    s.set("hisbridge.mllp.port", "2575");
    s.set("hisbridge.mllp.read_timeout_ms", "5000");
    net::TcpListenerOptions d;
    d.name = "mllp";
    d.maxConnections = 8;
    const auto o = net::listenerOptions(s, "hisbridge.mllp", d);
    EXPECT_EQ(o.name, "mllp");
    EXPECT_EQ(o.port, 2575);
    EXPECT_EQ(o.readTimeoutMs, 5000);
    EXPECT_EQ(o.maxConnections, 8);
    EXPECT_EQ(o.host, "127.0.0.1");
    EXPECT_EQ(o.maxFrameBytes, d.maxFrameBytes);
    s.rejectUnknownKeys();  // both keys were read
}

TEST(ListenerSettingsTest, AValueOutOfRangeNamesItsKey) {
    Settings s;
    s.set("hisbridge.mllp.max_connections", "0");
    try {
        net::listenerOptions(s, "hisbridge.mllp", {});
        FAIL() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(e.message().find("hisbridge.mllp.max_connections"), std::string::npos) << e.message();
    }
}
