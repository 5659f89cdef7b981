#include "domain/HisInbox.h"
#include "core/http/JsonText.h"
#include "his/Registration.h"
#include "his/Transactions.h"
#include "store/MessageStore.h"
#include "store/HisRequestStore.h"
#include <chrono>

namespace medbox::hisbridge {

using his::HisError;
namespace code = his::code;

std::string peerIp(const std::string& peer) {
    if (!peer.empty() && peer[0] == '[') return peer.substr(1, peer.find(']') - 1);
    return peer.substr(0, peer.rfind(':'));
}

HisInbox::HisInbox(HisbridgeEnv& env, Metrics* metrics, Hl7Inbox* hl7)
    : env_(env), hl7_(hl7), log_(Poco::Logger::get("hisbridge.his")), metrics_(metrics) {
    if (!metrics) return;
    duplicates_ = &metrics->counter("medbox_his_duplicates_total",
                                    "HIS socket requests answered again without being applied (a repeated requestId)");
    answerSeconds_ = &metrics->histogram("medbox_his_answer_seconds",
                                         "Time from a HIS socket request's arrival to its answer (commit included)");
}

HisInbox::Outcome HisInbox::receive(std::string_view body, const std::string& peer) {
    const auto start = std::chrono::steady_clock::now();
    Outcome o = decideAndStore(body, peer);
    if (metrics_) {
        metrics_
            ->counter("medbox_his_requests_total", "HIS socket requests answered, by answer code",
                      "code=\"" + o.answer.code + "\"")
            .inc();
        if (o.duplicate) duplicates_->inc();
        answerSeconds_->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return o;
}

HisInbox::Outcome HisInbox::decideAndStore(std::string_view body, const std::string& peer) {
    const int64_t now = env_.now();
    Outcome out;
    const auto* partner = env_.config.hisPartnerAt(peerIp(peer));
    out.sender = partner ? partner->name : peerIp(peer);
    out.charset = partner ? partner->charset : env_.config.hisCharset;

    his::Request req;
    try {
        req = his::decodeRequest(body, out.charset);
    } catch (const HisError& e) {
        // Logged without the body: it may hold patient data.
        log_.warning("HIS request from %s refused (%s %s): %s", peer, e.code(), e.field(), std::string(e.what()));
        out.answer = his::echoOf(body, out.charset);
        out.answer.code = e.code();
        out.answer.message = e.what();
        return out;
    }
    out.answer.txn = req.txn;
    out.answer.requestId = req.requestId;

    // The data's checks need no database: done before the transaction.
    std::optional<HisError> invalid;
    try {
        his::checkData(req);
    } catch (const HisError& e) {
        if (e.code() != code::kInvalid) {  // a txn medbox starts: not stored, as an unknown one
            log_.warning("HIS request %s from %s refused (%s): %s", req.requestId, peer, e.code(),
                         std::string(e.what()));
            out.answer.code = e.code();
            out.answer.message = e.what();
            return out;
        }
        invalid = e;
    }
    // T108 through the HL7 path first (its own durable commit); a repeat of
    // this request finds that ADT applied already (same sender, control id).
    bool registered = false;
    if (!invalid && req.txn == "T108" && hl7_) {
        const Hl7Inbox::Outcome h = hl7_->receive(his::registrationAdt(req, out.sender, env_.now()), peer);
        if (h.ackCode == "AA") {
            registered = true;
        } else if (h.messageId) {  // AE: kept as failed with why
            const auto m = env_.db.read([&](db::Connection& c) { return store::findMessageById(c, *h.messageId); });
            const std::string where = m && m->errorLocation ? *m->errorLocation : "";
            invalid = HisError(code::kInvalid,
                               "the registration cannot be applied: " + (m && m->errorText ? *m->errorText : ""),
                               his::registrationField(where));
        } else {  // AR 207: not stored now
            out.answer.code = code::kDatabase;
            out.answer.message = "the request could not be stored now; send it again";
            return out;
        }
    }
    const std::string topic = his::bookingTopic(req.txn);
    const std::string dataJson = json::text(req.data);

    try {
        env_.db.write([&](db::Tx& tx) {
            out.duplicate = false;
            auto existing = store::findHisRequest(tx.conn(), out.sender, req.requestId);
            if (existing && existing->state != "failed") {
                out.duplicate = true;
                out.rowId = existing->id;
                out.answer.txn = existing->txn;
                out.answer.code = existing->answerCode;
                out.answer.message = existing->answerMessage;
                return;
            }
            store::HisRequestRow row = existing.value_or(store::HisRequestRow{});
            row.sender = out.sender;
            row.requestId = req.requestId;
            row.txn = req.txn;
            row.charset = std::string(text::charsetName(out.charset));
            row.peer = peer;
            row.updatedMs = now;
            row.body = json::ObjectWriter()
                           .string("txn", req.txn)
                           .string("requestId", req.requestId)
                           .string("sentAt", req.sentAt)
                           .raw("data", dataJson)
                           .done();
            if (existing)
                ++row.attempts;
            else
                row.receivedMs = now;
            if (invalid) {
                row.state = "failed";
                row.answerCode = invalid->code();
                row.answerMessage = invalid->what();
                row.errorField = invalid->field();
            } else {
                if (!topic.empty()) {
                    // Booking applies it (its his inbox route, service hisbridge only); the
                    // envelope's Message-Id makes that once, the outbox keeps the HIS's order.
                    env_.effects.sendIn(tx, "booking", topic,
                                        json::ObjectWriter()
                                            .string("sender", out.sender)
                                            .string("requestId", req.requestId)
                                            .raw("data", dataJson)
                                            .done());
                    row.state = "forwarded";
                } else {
                    row.state = registered ? "applied" : "stored";
                }
                row.answerCode = code::kOk;
                row.answerMessage = "ok";
                row.errorField.reset();
            }
            row.id = store::saveHisRequest(tx, row);
            out.rowId = row.id;
            out.answer.code = row.answerCode;
            out.answer.message = row.answerMessage;
        });
    } catch (const std::exception& e) {
        // Nothing was committed: the HIS must send it again.
        log_.error("HIS request %s from %s not stored: %s", req.requestId, peer, std::string(e.what()));
        out.rowId.reset();
        out.duplicate = false;
        out.answer.code = code::kDatabase;
        out.answer.message = "the request could not be stored now; send it again";
        return out;
    }
    if (out.answer.code == code::kOk)
        log_.information("HIS %s %s from %s %s", req.txn, req.requestId, out.sender,
                         std::string(out.duplicate ? "answered again (duplicate)" : "stored"));
    else
        log_.warning("HIS %s %s from %s failed (%s at %s)", req.txn, req.requestId, out.sender, out.answer.code,
                     invalid ? invalid->field() : std::string());
    return out;
}

std::string HisInbox::answer(std::string_view body, const std::string& peer) {
    const Outcome o = receive(body, peer);
    return his::encodeAnswer(o.answer, o.charset);
}

}  // namespace medbox::hisbridge
