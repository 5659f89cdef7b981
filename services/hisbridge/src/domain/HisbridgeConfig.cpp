#include "domain/HisbridgeConfig.h"
#include "core/net/ListenerSettings.h"

namespace medbox::hisbridge {

namespace {

hl7::Charset charsetKey(const Settings& s, const std::string& key, const std::string& def) {
    const std::string v = s.choice(key, def, {"UTF-8", "GB18030", "GBK"});
    return *hl7::charsetNamed(v);
}

}  // namespace

HisbridgeConfig readHisbridgeConfig(const Settings& s) {
    HisbridgeConfig c;
    c.mllpEnabled = s.flag("hisbridge.mllp.enabled", true);
    net::TcpListenerOptions d;
    d.name = "mllp";
    d.serviceName = "hisbridge";
    d.host = "0.0.0.0";  // LAN partners; the firewall opens 2575 to granted peers only (docs/firewall.md)
    d.port = 2575;
    c.mllp = net::listenerOptions(s, "hisbridge.mllp", d);
    c.limits.maxBytes = c.mllp.maxFrameBytes;
    c.defaultCharset = charsetKey(s, "hisbridge.hl7.charset", "UTF-8");
    for (const auto& name : s.children("hisbridge.partners")) {
        const std::string key = "hisbridge.partners." + name;
        const std::string app = s.required(key + ".application");
        if (c.charsetByApplication.count(app))
            throw ConfigError(key + ".application: " + app + " is named by another partner too");
        c.charsetByApplication[app] = charsetKey(s, key + ".charset", "UTF-8");
    }
    return c;
}

}  // namespace medbox::hisbridge
