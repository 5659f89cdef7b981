#include "domain/HisSender.h"
#include "core/db/Statement.h"
#include "core/error/AppError.h"
#include "core/http/JsonBody.h"
#include "core/http/JsonText.h"
#include "core/metrics/Metrics.h"
#include "core/outbox/Outbox.h"
#include "domain/PartnerHealth.h"
#include <Poco/JSON/Parser.h>
#include <algorithm>

namespace medbox::hisbridge {

namespace {

struct Outgoing {
    int64_t id = 0;
    std::string requestId, patientKey, txn, data;
    int64_t appointmentId = 0;
    int64_t attempts = 0;
    bool downtime = false;
};

// For each patient, the oldest message not yet answered, if it is pending and
// due. oldestOnly (the partner is down): only the oldest such head of all,
// and only when it is due: one probe at a time, so that when the HIS returns
// the queue goes to it in the order it was made.
std::vector<Outgoing> dueHeads(db::Connection& c, int64_t now, int limit, bool oldestOnly) {
    auto st = c.prepare(
        "SELECT o.id, o.request_id, o.patient_key, o.txn, o.data, o.appointment_id, o.attempts, o.downtime "
        "FROM his_outgoing o "
        "WHERE o.state = 'pending' AND (? OR o.next_ms <= ?) AND NOT EXISTS (SELECT 1 FROM his_outgoing p "
        "WHERE p.patient_key = o.patient_key AND p.id < o.id AND (p.state = 'pending' OR p.state = 'quarantined')) "
        "ORDER BY o.id LIMIT ?");
    st.args(oldestOnly ? 1 : 0, now, oldestOnly ? 1 : limit);
    std::vector<Outgoing> out;
    while (st.step()) {
        Outgoing o;
        o.id = st.i64(0);
        o.requestId = st.str(1);
        o.patientKey = st.str(2);
        o.txn = st.str(3);
        o.data = st.str(4);
        o.appointmentId = st.i64(5);
        o.attempts = st.i64(6);
        o.downtime = st.i64(7) != 0;
        if (oldestOnly) {
            auto due = c.prepare("SELECT next_ms FROM his_outgoing WHERE id = ?");
            due.args(o.id);
            if (due.step() && due.i64(0) > now) break;
        }
        out.push_back(o);
    }
    return out;
}

}  // namespace

BookingData checkBookingData(const std::string& txn, const Poco::JSON::Object::Ptr& payload, const std::string& name) {
    const JsonBody p(payload, name);
    BookingData b;
    b.appointmentId = p.integer("appointmentId", 1, INT64_MAX);
    // booking.created names the patient in patient{}, booking.cancelled at the top.
    const JsonBody who = txn == "P201" ? p.object("patient") : p;
    b.patientKey = who.str("documentType", 20) + ":" + who.str("documentNumber", 40);
    return b;
}

void queueRefusal(db::Tx& tx, const HisbridgeEnv& env, const std::string& requestId, int64_t appointmentId,
                  const std::string& code, const std::string& reason, const std::string& bookingData) {
    env.effects.sendIn(tx, "booking", "his.booking_refused",
                       json::ObjectWriter()
                           .string("requestId", requestId)
                           .raw("data", json::ObjectWriter()
                                            .number("appointmentId", appointmentId)
                                            .string("code", code)
                                            .string("reason", reason)
                                            .done())
                           .done());
    env.effects.sendIn(tx, "portal", "booking.his_refused",
                       json::ObjectWriter()
                           .number("appointmentId", appointmentId)
                           .string("code", code)
                           .string("reason", reason)
                           .raw("booking", bookingData)
                           .done());
}

bool acceptBookingMessage(HisbridgeEnv& env, const std::string& messageId, const std::string& topic,
                          const Poco::JSON::Object::Ptr& payload) {
    std::string txn;
    if (topic == "booking.created") txn = "P201";
    if (topic == "booking.cancelled") txn = "P202";
    if (txn.empty()) throw AppError(Err::InvalidField, "topic " + topic + " is not one hisbridge takes", "topic");
    const BookingData b = checkBookingData(txn, payload, "payload");
    const std::string data = json::text(payload);
    const int64_t now = env.now();
    bool fresh = false;
    env.db.write([&](db::Tx& tx) {
        fresh = Inbox::accept(tx, messageId, "booking", now);
        if (!fresh) return;
        // Queued while the HIS is down: a refusal of it later is a conflict for staff.
        const bool down = sendingPartnerDown(tx.conn(), env.config);
        tx.prepare(
              "INSERT INTO his_outgoing (request_id, patient_key, txn, appointment_id, data, state, next_ms, "
              "created_ms, updated_ms, downtime) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)")
            .args(messageId, b.patientKey, txn, b.appointmentId, data, now, now, now, down ? 1 : 0)
            .run();
        if (env.wakeHisSender) tx.afterCommit(env.wakeHisSender);
    });
    return fresh;
}

HisSender::HisSender(HisbridgeEnv& env, Metrics* metrics)
    : env_(env), log_(Poco::Logger::get("hisbridge.his")), metrics_(metrics) {
    if (!metrics) return;
    metrics->gauge("medbox_his_outgoing_pending", "Messages to the HIS not yet answered (pending or quarantined)",
                   [&env] {
                       return static_cast<double>(env.db.read([](db::Connection& c) {
                           auto st = c.prepare(
                               "SELECT count(*) FROM his_outgoing WHERE state = 'pending' OR state = 'quarantined'");
                           st.step();
                           return st.i64(0);
                       }));
                   });
}

int64_t HisSender::backoffMs(int64_t attempts) {
    return std::min<int64_t>(300'000, 1000LL << std::min<int64_t>(attempts > 0 ? attempts - 1 : 0, 9));
}

const HisbridgeConfig::HisPartner* HisSender::partner() const { return env_.config.sendingPartner(); }

int HisSender::runOnce() {
    const auto* partner = this->partner();
    if (!partner) return 0;  // no partner takes P2xx: everything waits, nothing is dropped
    his::Endpoint to;
    to.host = partner->address;
    to.port = partner->port;
    to.charset = partner->charset;
    to.connectTimeoutMs = partner->connectTimeoutMs;
    to.writeTimeoutMs = partner->writeTimeoutMs;
    to.answerTimeoutMs = partner->answerTimeoutMs;
    const auto due = env_.db.read(
        [&](db::Connection& c) { return dueHeads(c, env_.now(), 100, !partnerStatus(c, partner->name).up); });
    int answered = 0;
    for (const Outgoing& o : due) {
        his::Request r;
        r.txn = o.txn;
        r.requestId = o.requestId;
        r.sentAt = "";
        r.data = Poco::JSON::Parser().parse(o.data).extract<Poco::JSON::Object::Ptr>();
        std::optional<his::Answer> a;
        std::string error;
        try {
            a = his::call(to, r);
        } catch (const his::TransportError& e) {
            error = e.what();
        }
        const int64_t now = env_.now();
        std::string state = "pending";
        if (a && a->code == his::code::kOk)
            state = "acknowledged";
        else if (a && partner->retries(a->code))
            state = "pending";
        else if (a && a->code[0] == '2')
            // A booking made while the HIS was down that it now refuses: the
            // HIS sold the slot meanwhile. Staff decide (reconciliation report).
            state = o.downtime && o.txn == "P201" ? "conflict" : "refused";
        else if (a)
            state = "quarantined";
        bool wentDown = false;
        env_.db.write([&](db::Tx& tx) {
            const int64_t attempts = o.attempts + 1;
            if (a)
                recordAnswer(tx, env_, partner->name, state == "acknowledged", now);
            else
                wentDown = recordNoAnswer(tx, env_, *partner, error, now);
            // Tried while the partner is down: a later refusal is a conflict for staff.
            const bool duringDowntime = !a && !partnerStatus(tx.conn(), partner->name).up;
            tx.prepare(
                  "UPDATE his_outgoing SET state = ?, attempts = ?, next_ms = ?, answer_code = ?, "
                  "answer_message = ?, last_error = ?, updated_ms = ?, downtime = downtime OR ? WHERE id = ?")
                .args(state, attempts,
                      state == "pending" ? now + std::min(backoffMs(attempts), partner->maxBackoffMs) : now,
                      a ? std::optional<std::string>(a->code) : std::nullopt,
                      a ? std::optional<std::string>(a->message) : std::nullopt,
                      error.empty()
                          ? (a && state == "pending" ? std::optional<std::string>("retry: " + a->code) : std::nullopt)
                          : std::optional<std::string>(error),
                      now, duringDowntime ? 1 : 0, o.id)
                .run();
            // Booking reverses the booking; the portal tells the patient why.
            if (state == "refused" && o.txn == "P201")
                queueRefusal(tx, env_, o.requestId, o.appointmentId, a->code, a->message, o.data);
        });
        if (wentDown) log_.warning("HIS partner %s marked down (no answer)", partner->name);
        if (metrics_) {
            const std::string labels = "partner=\"" + escapeLabel(partner->name) + "\"";
            metrics_->counter("medbox_his_partner_attempts_total", "Requests sent to a partner", labels).inc();
            if (state != "acknowledged")
                metrics_
                    ->counter("medbox_his_partner_failures_total",
                              "Requests to a partner not acknowledged (no answer, retry, refusal, quarantine)", labels)
                    .inc();
        }
        if (state == "pending")
            log_.warning("HIS %s %s not answered (attempt %s): %s", o.txn, o.requestId, std::to_string(o.attempts + 1),
                         error.empty() ? "code " + a->code : error);
        else
            log_.information("HIS %s %s %s (%s)", o.txn, o.requestId, state, a->code);
        if (metrics_)
            metrics_
                ->counter("medbox_his_sent_total", "Requests sent to the HIS, by outcome", "outcome=\"" + state + "\"")
                .inc();
        if (state != "pending") ++answered;
        // No answer at all: the HIS is likely down. The others wait for the
        // next run rather than each costing a full timeout now.
        if (!a) break;
    }
    return answered;
}

}  // namespace medbox::hisbridge
