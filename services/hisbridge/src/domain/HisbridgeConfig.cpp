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

    c.hisEnabled = s.flag("hisbridge.his.enabled", true);
    net::TcpListenerOptions h;
    h.name = "his";
    h.serviceName = "hisbridge";
    h.host = "0.0.0.0";  // the firewall opens 2576 to peers granted "his" only (docs/firewall.md)
    h.port = 2576;
    // One request per connection: a request must arrive within 10 s, and a
    // connection that sends nothing is closed after 10 s too.
    h.readTimeoutMs = 10'000;
    h.idleTimeoutMs = 10'000;
    h.writeTimeoutMs = 5'000;
    c.his = net::listenerOptions(s, "hisbridge.his", h);
    c.his.oneFramePerConnection = true;
    if (c.his.maxFrameBytes > 99'999'999)
        throw ConfigError("hisbridge.his.max_frame_bytes: at most 99999999 (8 digits)");
    c.hisCharset = charsetKey(s, "hisbridge.his.charset", "UTF-8");

    c.retentionMs = s.integer("hisbridge.retention.days", 90, 1, 3650) * 86'400'000;
    c.retentionIntervalMs = s.integer("hisbridge.retention.interval_ms", 3'600'000, 1000, 86'400'000);

    for (const auto& name : s.children("hisbridge.partners")) {
        const std::string key = "hisbridge.partners." + name;
        const std::string app = s.str(key + ".application", "");
        const std::string address = s.str(key + ".address", "");
        if (app.empty() && address.empty())
            throw ConfigError(key +
                              ".application: a partner needs .application (HL7, its MSH-3) or .address (the "
                              "socket interface)");
        const hl7::Charset cs = charsetKey(s, key + ".charset", "UTF-8");
        if (!app.empty()) {
            if (c.charsetByApplication.count(app))
                throw ConfigError(key + ".application: " + app + " is named by another partner too");
            c.charsetByApplication[app] = cs;
        }
        if (address.empty()) continue;
        if (c.hisPartnerAt(address)) throw ConfigError(key + ".address: " + address + " is another partner's too");
        if (address.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos)
            throw ConfigError(key + ".address: an IP address, not a name (peers are known by their address)");
        HisbridgeConfig::HisPartner p;
        p.name = name;
        p.address = address;
        p.port = static_cast<int>(s.integer(key + ".his_port", 0, 0, 65535));
        p.charset = cs;
        p.connectTimeoutMs = s.integer(key + ".connect_timeout_ms", 3'000, 1, 600'000);
        p.writeTimeoutMs = s.integer(key + ".write_timeout_ms", 5'000, 1, 600'000);
        p.answerTimeoutMs = s.integer(key + ".answer_timeout_ms", 15'000, 1, 600'000);
        p.downAfterFailures = s.integer(key + ".down_after_failures", 3, 1, 1000);
        p.downAfterMs = s.integer(key + ".down_after_seconds", 60, 1, 86'400) * 1000;
        p.maxBackoffMs = s.integer(key + ".max_backoff_ms", 300'000, 1000, 3'600'000);
        p.retryCodes.clear();
        std::string list = s.str(key + ".retry_codes", "9xxx") + ",";
        for (size_t from = 0, comma; (comma = list.find(',', from)) != std::string::npos; from = comma + 1) {
            std::string code = list.substr(from, comma - from);
            code.erase(0, code.find_first_not_of(' '));
            code.erase(code.find_last_not_of(' ') + 1);
            if (code.empty()) continue;
            if (code.size() != 4 || code.find_first_not_of("0123456789x") != std::string::npos || code == "0000")
                throw ConfigError(key + ".retry_codes: " + code +
                                  " is not a four-character code of digits and x (and not 0000)");
            p.retryCodes.push_back(code);
        }
        c.hisPartners.push_back(p);
    }
    return c;
}

}  // namespace medbox::hisbridge
