#pragma once
// Every hisbridge.* configuration key, read in one place at start
// (HisbridgeApp::configure); defaults in config/hisbridge.properties.
#include "core/config/Settings.h"
#include "core/net/TcpListener.h"
#include "hl7/Charset.h"
#include "hl7/Message.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

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

    // hisbridge.his.enabled and hisbridge.his.*: the HIS socket interface's
    // listener (docs/his-protocol.md), port 2576, one request per connection.
    bool hisEnabled = true;
    net::TcpListenerOptions his;
    // hisbridge.his.charset: requests from a peer no partner names.
    hl7::Charset hisCharset = hl7::Charset::Utf8;

    // A partner of the socket interface (hisbridge.partners.<name>.address,
    // .his_port, .charset, timeouts): its requests are known by the peer
    // address, its listener takes medbox's P2xx transactions.
    struct HisPartner {
        std::string name;
        std::string address;  // an IP address, as the peer's address reads
        int port = 0;         // its listener; 0: it takes no P2xx
        hl7::Charset charset = hl7::Charset::Utf8;
        int64_t connectTimeoutMs = 3'000;
        int64_t writeTimeoutMs = 5'000;
        int64_t answerTimeoutMs = 15'000;
        // .retry_codes: answer codes after which a P2xx is sent again (same
        // requestId, with backoff); "x" is any digit. Others are final: 0000
        // done, 2xxx refused, the rest quarantined.
        std::vector<std::string> retryCodes = {"9xxx"};
        // Downtime (.down_after_failures, .down_after_seconds): the partner is
        // marked down after this many attempts in a row without an answer, or
        // when it has not answered for this long, whichever comes first.
        int64_t downAfterFailures = 3;
        int64_t downAfterMs = 60'000;
        // .max_backoff_ms: the longest wait between attempts of one message
        // (1 s doubling up to this); also how often a down partner is probed.
        int64_t maxBackoffMs = 300'000;

        bool retries(const std::string& code) const {
            for (const auto& p : retryCodes) {
                if (p.size() != code.size()) continue;
                bool match = true;
                for (size_t i = 0; i < p.size() && match; ++i) match = p[i] == 'x' || p[i] == code[i];
                if (match) return true;
            }
            return false;
        }
    };
    std::vector<HisPartner> hisPartners;

    // The partner that takes medbox's P2xx: the first with a .his_port (one for now).
    const HisPartner* sendingPartner() const {
        for (const auto& p : hisPartners)
            if (p.port != 0) return &p;
        return nullptr;
    }

    // hisbridge.retention.days: applied HL7 messages, answered requests and
    // acknowledged P2xx older than this are deleted (quarantined and
    // reconciliation rows never); hisbridge.retention.interval_ms: how often.
    int64_t retentionMs = 90LL * 86'400'000;
    int64_t retentionIntervalMs = 3'600'000;

    // The partner at this IP address (a peer "10.1.2.3:50312" without the port), if any.
    const HisPartner* hisPartnerAt(const std::string& ip) const {
        for (const auto& p : hisPartners)
            if (p.address == ip) return &p;
        return nullptr;
    }

    // The charset of a message without MSH-18 from this sending application.
    hl7::Charset charsetFor(const std::string& application) const {
        const auto it = charsetByApplication.find(application);
        return it == charsetByApplication.end() ? defaultCharset : it->second;
    }
};

// Throws ConfigError naming the key for a bad value.
HisbridgeConfig readHisbridgeConfig(const Settings& settings);

}  // namespace medbox::hisbridge
