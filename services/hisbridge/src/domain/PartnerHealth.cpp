#include "domain/PartnerHealth.h"
#include "core/db/Statement.h"
#include "core/http/JsonText.h"
#include <Poco/JSON/Object.h>

namespace medbox::hisbridge {

namespace {

constexpr const char* kActor = "system:hisbridge";

void save(db::Tx& tx, const PartnerStatus& s, int64_t now) {
    tx.prepare(
          "INSERT INTO his_partner (name, up, failures, failing_since_ms, down_since_ms, last_answer_ms, last_error, "
          "attempts_total, failures_total, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (name) DO UPDATE SET up = excluded.up, attempts_total = excluded.attempts_total, "
          "failures_total = excluded.failures_total, "
          "failures = excluded.failures, failing_since_ms = excluded.failing_since_ms, "
          "down_since_ms = excluded.down_since_ms, last_answer_ms = excluded.last_answer_ms, "
          "last_error = excluded.last_error, updated_ms = excluded.updated_ms")
        .args(s.name, s.up ? 1 : 0, s.failures, s.failingSinceMs, s.downSinceMs, s.lastAnswerMs, s.lastError,
              s.attemptsTotal, s.failuresTotal, now)
        .run();
}

void announce(db::Tx& tx, const HisbridgeEnv& env, const PartnerStatus& s, bool down, int64_t now) {
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object;
    detail->set("failures", s.failures);
    if (s.failingSinceMs) detail->set("silentMs", now - *s.failingSinceMs);
    env.effects.auditIn(tx, kActor, down ? "hisbridge.partner_down" : "hisbridge.partner_up", "partner:" + s.name,
                        detail);
    env.effects.sendIn(
        tx, "alerting", down ? "his.partner_down" : "his.partner_up",
        json::ObjectWriter().string("partner", s.name).number("failures", s.failures).number("at", now).done());
}

}  // namespace

PartnerStatus partnerStatus(db::Connection& c, const std::string& name) {
    PartnerStatus s;
    s.name = name;
    auto st = c.prepare(
        "SELECT up, failures, failing_since_ms, down_since_ms, last_answer_ms, last_error, attempts_total, "
        "failures_total FROM his_partner "
        "WHERE name = ?");
    st.args(name);
    if (!st.step()) return s;
    s.up = st.i64(0) != 0;
    s.failures = st.i64(1);
    s.failingSinceMs = st.optI64(2);
    s.downSinceMs = st.optI64(3);
    s.lastAnswerMs = st.optI64(4);
    s.lastError = st.optStr(5);
    s.attemptsTotal = st.i64(6);
    s.failuresTotal = st.i64(7);
    return s;
}

bool sendingPartnerDown(db::Connection& c, const HisbridgeConfig& config) {
    const auto* p = config.sendingPartner();
    return p && !partnerStatus(c, p->name).up;
}

bool recordAnswer(db::Tx& tx, const HisbridgeEnv& env, const std::string& partner, bool acknowledged, int64_t now) {
    PartnerStatus s = partnerStatus(tx.conn(), partner);
    ++s.attemptsTotal;
    if (!acknowledged) ++s.failuresTotal;
    const bool cameBack = !s.up;
    s.up = true;
    s.failures = 0;
    s.failingSinceMs.reset();
    s.downSinceMs.reset();
    s.lastAnswerMs = now;
    s.lastError.reset();
    if (cameBack) {
        announce(tx, env, s, false, now);
        // The queue drains now, in order, instead of each message waiting out its backoff.
        tx.prepare("UPDATE his_outgoing SET next_ms = ? WHERE state = 'pending' AND next_ms > ?").args(now, now).run();
    }
    save(tx, s, now);
    return cameBack;
}

bool recordNoAnswer(db::Tx& tx, const HisbridgeEnv& env, const HisbridgeConfig::HisPartner& partner,
                    const std::string& error, int64_t now) {
    PartnerStatus s = partnerStatus(tx.conn(), partner.name);
    ++s.attemptsTotal;
    ++s.failuresTotal;
    ++s.failures;
    if (!s.failingSinceMs) s.failingSinceMs = now;
    s.lastError = error;
    const bool goesDown = s.up &&
                          (s.failures >= partner.downAfterFailures || now - *s.failingSinceMs >= partner.downAfterMs);
    if (goesDown) {
        s.up = false;
        s.downSinceMs = now;
        announce(tx, env, s, true, now);
        tx.prepare("UPDATE his_outgoing SET downtime = 1 WHERE state = 'pending'").run();
    }
    save(tx, s, now);
    return goesDown;
}

}  // namespace medbox::hisbridge
