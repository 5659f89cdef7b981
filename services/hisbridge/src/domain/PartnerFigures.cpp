#include "domain/PartnerFigures.h"
#include "core/db/Statement.h"
#include "domain/PartnerHealth.h"
#include <map>

namespace medbox::hisbridge {

namespace {

constexpr int kMaxHl7Senders = 50;  // senders come from the wire: bound the label set

}  // namespace

std::vector<PartnerFigures> partnerFigures(db::Connection& c, const HisbridgeConfig& config, int64_t now) {
    std::vector<PartnerFigures> out;
    if (const auto* p = config.sendingPartner()) {
        PartnerFigures f;
        f.name = p->name;
        f.protocol = "his";
        const PartnerStatus s = partnerStatus(c, p->name);
        f.up = s.up;
        f.downSinceMs = s.downSinceMs;
        f.failures = s.failuresTotal;
        auto q = c.prepare(
            "SELECT count(*), min(created_ms) FROM his_outgoing WHERE state = 'pending' OR state = 'quarantined'");
        q.step();
        f.queueDepth = q.i64(0);
        if (auto oldest = q.optI64(1)) f.oldestAgeSeconds = static_cast<double>(now - *oldest) / 1000.0;
        auto r = c.prepare("SELECT count(*) FROM his_outgoing WHERE state = 'acknowledged' AND updated_ms >= ?");
        r.args(now - kRateWindowMs);
        r.step();
        f.messagesPerSecond = static_cast<double>(r.i64(0)) * 1000.0 / kRateWindowMs;
        out.push_back(f);
    }
    std::map<std::string, PartnerFigures> hl7;
    auto rate = c.prepare(
        "SELECT sender, count(*) FROM hl7_message WHERE received_ms >= ? GROUP BY sender ORDER BY sender LIMIT ?");
    rate.args(now - kRateWindowMs, kMaxHl7Senders);
    while (rate.step()) {
        auto& f = hl7[rate.str(0)];
        f.messagesPerSecond = static_cast<double>(rate.i64(1)) * 1000.0 / kRateWindowMs;
    }
    auto failed = c.prepare(
        "SELECT sender, count(*), min(received_ms) FROM hl7_message WHERE state = 'failed' AND discarded_ms IS NULL "
        "GROUP BY sender ORDER BY sender LIMIT ?");
    failed.args(kMaxHl7Senders);
    while (failed.step()) {
        auto& f = hl7[failed.str(0)];
        f.queueDepth = f.failures = failed.i64(1);
        f.oldestAgeSeconds = static_cast<double>(now - failed.i64(2)) / 1000.0;
    }
    for (auto& [name, f] : hl7) {
        if (static_cast<int>(out.size()) > kMaxHl7Senders) break;
        f.name = name;
        f.protocol = "hl7";
        out.push_back(f);
    }
    return out;
}

void registerPartnerGauges(Metrics& metrics, HisbridgeEnv& env) {
    auto figures = [&env] {
        return env.db.read([&](db::Connection& c) { return partnerFigures(c, env.config, env.now()); });
    };
    auto labels = [](const PartnerFigures& f) {
        return "partner=\"" + escapeLabel(f.name) + "\",protocol=\"" + f.protocol + "\"";
    };
    using Samples = std::vector<std::pair<std::string, double>>;
    metrics.gauges("medbox_partner_queue_depth", "Messages to or from a partner not yet delivered or applied", [=] {
        Samples s;
        for (const auto& f : figures()) s.emplace_back(labels(f), static_cast<double>(f.queueDepth));
        return s;
    });
    metrics.gauges("medbox_partner_oldest_undelivered_seconds", "Age of a partner's oldest undelivered message", [=] {
        Samples s;
        for (const auto& f : figures()) s.emplace_back(labels(f), f.oldestAgeSeconds);
        return s;
    });
    metrics.gauges("medbox_partner_messages_per_second", "A partner's messages per second over the last minute", [=] {
        Samples s;
        for (const auto& f : figures()) s.emplace_back(labels(f), f.messagesPerSecond);
        return s;
    });
    metrics.gauges("medbox_partner_failures", "A partner's failures (HIS: attempts not acknowledged; HL7: failed now)",
                   [=] {
                       Samples s;
                       for (const auto& f : figures()) s.emplace_back(labels(f), static_cast<double>(f.failures));
                       return s;
                   });
    metrics.gauges("medbox_his_partner_up", "1 while the HIS partner answers, 0 in downtime", [=] {
        Samples s;
        for (const auto& f : figures())
            if (f.up) s.emplace_back(labels(f), *f.up ? 1.0 : 0.0);
        return s;
    });
}

}  // namespace medbox::hisbridge
