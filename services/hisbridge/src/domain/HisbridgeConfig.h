#pragma once
// Every hisbridge.* configuration key, read in one place at start
// (HisbridgeApp::configure); defaults in config/hisbridge.properties.
#include "core/config/Settings.h"
#include "core/net/TcpListener.h"
#include "hl7/Charset.h"
#include "hl7/Message.h"
#include <map>
#include <string>

namespace medbox::hisbridge {

struct HisbridgeConfig {
    // hisbridge.mllp.enabled and the listener's keys hisbridge.mllp.*
    // (docs/tcp-listener.md); port 2575 (the IANA port of HL7 over MLLP).
    bool mllpEnabled = true;
    net::TcpListenerOptions mllp;
    // hisbridge.hl7.charset: a message whose MSH-18 is empty is in this set.
    hl7::Charset defaultCharset = hl7::Charset::Utf8;
    // hisbridge.partners.<name>.application (MSH-3) and .charset: a partner's
    // own character set for messages without MSH-18.
    std::map<std::string, hl7::Charset> charsetByApplication;
    hl7::ParseLimits limits;  // maxBytes follows hisbridge.mllp.max_frame_bytes

    // The charset of a message without MSH-18 from this sending application.
    hl7::Charset charsetFor(const std::string& application) const {
        const auto it = charsetByApplication.find(application);
        return it == charsetByApplication.end() ? defaultCharset : it->second;
    }
};

// Throws ConfigError naming the key for a bad value.
HisbridgeConfig readHisbridgeConfig(const Settings& settings);

}  // namespace medbox::hisbridge
