#include "domain/Hl7Inbox.h"
#include "core/db/Statement.h"
#include "core/error/AppError.h"
#include "core/util/Ids.h"
#include "domain/Apply.h"
#include "hl7/Ack.h"
#include "store/MessageStore.h"
#include <chrono>

namespace medbox::hisbridge {

namespace {

struct Header {
    std::string sender, controlId, type, event;
};

// MSH checks that decide whether the message can be stored at all (AR otherwise).
Header checkHeader(const hl7::Message& m) {
    Header h;
    const std::string app = m.text("MSH", 3), facility = m.text("MSH", 4);
    h.sender = app + "/" + facility;
    if (app.empty() && facility.empty()) throw AppError(Err::BadRequest, "MSH-3 and MSH-4 name no sender", "MSH-3");
    h.controlId = m.text("MSH", 10);
    if (h.controlId.empty()) throw AppError(Err::BadRequest, "MSH-10 (message control id) is empty", "MSH-10");
    if (h.controlId.size() > 199) throw AppError(Err::BadRequest, "MSH-10 is longer than 199 characters", "MSH-10");
    const std::string version = m.text("MSH", 12);
    if (version.rfind("2.", 0) != 0) throw AppError(Err::BadRequest, "MSH-12 is not an HL7 v2 version", "MSH-12");
    h.type = m.text("MSH", 9, 1, 1);
    h.event = m.text("MSH", 9, 1, 2);
    if (h.type.empty()) throw AppError(Err::BadRequest, "MSH-9 (message type) is empty", "MSH-9");
    if (!supportedType(h.type, h.event))
        throw AppError(Err::MethodNotAllowed, "message type not taken here",
                       h.type == "ADT" || h.type == "ORU" || h.type == "SIU" ? "MSH-9.2" : "MSH-9");
    return h;
}

}  // namespace

bool supportedType(const std::string& type, const std::string& event) {
    if (type == "ADT") return event == "A04" || event == "A08";
    if (type == "ORU") return event == "R01";
    if (type == "SIU") return event == "S12" || event == "S13" || event == "S14" || event == "S15" || event == "S26";
    return false;
}

Hl7Inbox::Hl7Inbox(HisbridgeEnv& env, Metrics* metrics) : env_(env), log_(Poco::Logger::get("hisbridge.hl7")) {
    if (!metrics) return;
    const char* codes[] = {"AA", "AE", "AR"};
    for (int i = 0; i < 3; ++i)
        acked_[i] = &metrics->counter("medbox_hl7_messages_total", "HL7 messages answered, by MSA-1",
                                      std::string("ack=\"") + codes[i] + "\"");
    duplicates_ = &metrics->counter("medbox_hl7_duplicates_total",
                                    "HL7 messages answered AA again without being applied (a repeated control id)");
    ackSeconds_ = &metrics->histogram("medbox_hl7_ack_seconds",
                                      "Time from an HL7 message's arrival to its answer (durable commit included)");
}

void Hl7Inbox::count(const Outcome& o, double seconds) {
    if (!ackSeconds_) return;
    acked_[o.ackCode == "AA" ? 0 : o.ackCode == "AE" ? 1 : 2]->inc();
    if (o.duplicate) duplicates_->inc();
    ackSeconds_->observe(seconds);
}

std::string Hl7Inbox::nextAckId() {
    // Unique across restarts without a table: time plus a counter.
    return "MB" + std::to_string(env_.now()) + "-" + std::to_string(++ackSeq_);
}

Hl7Inbox::Outcome Hl7Inbox::receive(std::string_view payload, const std::string& peer) {
    const auto start = std::chrono::steady_clock::now();
    Outcome o = decideAndStore(payload, peer);
    count(o, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return o;
}

Hl7Inbox::Outcome Hl7Inbox::decideAndStore(std::string_view payload, const std::string& peer) {
    const int64_t now = env_.now();
    Outcome out;
    std::optional<hl7::Message> msg;
    hl7::Decoded decoded{{}, hl7::Charset::Utf8};
    Header h;
    try {
        const hl7::RawHeader raw = hl7::readRawHeader(payload);
        decoded = hl7::decodeMessage(payload, env_.config.charsetFor(raw.sendingApplication));
        out.charset = decoded.charset;
        msg = hl7::Message::parse(decoded.utf8, env_.config.limits);
        h = checkHeader(*msg);
    } catch (const AppError& e) {
        // Logged without the message: it may hold patient data.
        log_.warning("HL7 message from %s refused (%s, %s): %s", peer, std::string(errInfo(e.err()).code), e.field(),
                     std::string(e.what()));
        const hl7::ErrorDetail d = hl7::errorDetail(e);
        out.ackCode = d.ackCode;
        out.ack = hl7::buildAck(msg ? &*msg : nullptr, d, now, nextAckId());
        return out;
    }
    return storeAndApply(*msg, h.sender, h.controlId, h.type, h.event, std::string(hl7::msh18Name(decoded.charset)),
                         decoded.utf8, peer, now, {}, out);
}

Hl7Inbox::Outcome Hl7Inbox::storeAndApply(const hl7::Message& msg, const std::string& sender,
                                          const std::string& controlId, const std::string& type,
                                          const std::string& event, const std::string& charsetName,
                                          const std::string& utf8, const std::string& peer, int64_t now,
                                          const InTx& inTx, Outcome out) {
    const PatientIds ids = patientIds(msg);
    std::optional<hl7::ErrorDetail> failure;
    try {
        env_.db.write([&](db::Tx& tx) {
            failure.reset();
            out.duplicate = false;
            auto existing = store::findMessage(tx.conn(), sender, controlId);
            if (existing && existing->state != "failed") {
                out.duplicate = true;
                out.messageId = existing->id;
                if (inTx) inTx(tx, *existing);
                return;
            }
            store::StoredMessage row = existing.value_or(store::StoredMessage{});
            row.sender = sender;
            row.controlId = controlId;
            row.type = type + "^" + event;
            row.patientId = ids.patientId;
            row.charset = charsetName;
            row.peer = peer;
            row.body = utf8;
            row.updatedMs = now;
            if (existing) {
                ++row.attempts;
            } else {
                row.state = "received";
                row.ackCode = "AA";
                row.receivedMs = now;
                row.id = store::insertMessage(tx, row);
            }
            ApplyContext ctx{tx, env_, msg, row.id, sender, controlId, now};
            tx.exec("SAVEPOINT hl7_apply");
            try {
                if (type == "ADT")
                    row.state = applyAdt(ctx);
                else if (type == "ORU")
                    row.state = applyOru(ctx);
                else
                    row.state = applySiu(ctx);
                tx.exec("RELEASE hl7_apply");
                row.ackCode = "AA";
                row.errorCode = row.errorLocation = row.errorText = std::nullopt;
            } catch (const AppError& e) {
                tx.exec("ROLLBACK TO hl7_apply");
                tx.exec("RELEASE hl7_apply");
                failure = hl7::errorDetail(e);
                row.state = "failed";
                row.ackCode = failure->ackCode;
                row.errorCode = failure->appCode;
                row.errorLocation = failure->location.empty() ? std::nullopt : std::optional(failure->location);
                row.errorText = failure->text;
            }
            store::updateOutcome(tx, row);
            out.messageId = row.id;
            if (inTx) inTx(tx, row);
        });
    } catch (const std::exception& e) {
        // Nothing was committed: the sender must send it again (AR, 207).
        log_.error("HL7 message %s from %s not stored: %s", controlId, peer, std::string(e.what()));
        const hl7::ErrorDetail d = hl7::errorDetail(
            AppError(Err::Unavailable, "the message could not be stored now; send it again"));
        out.ackCode = d.ackCode;
        out.messageId.reset();
        out.ack = hl7::buildAck(&msg, d, now, nextAckId());
        return out;
    }
    out.ackCode = failure ? failure->ackCode : "AA";
    out.ack = hl7::buildAck(&msg, failure, now, nextAckId());
    if (failure)
        log_.warning("HL7 %s %s from %s failed (%s at %s)", type + "^" + event, controlId, peer, failure->appCode,
                     failure->location);
    else
        log_.information("HL7 %s %s from %s %s", type + "^" + event, controlId, peer,
                         std::string(out.duplicate ? "acknowledged again (duplicate)" : "stored"));
    return out;
}

hl7::Message Hl7Inbox::checkCorrection(const store::StoredMessage& stored, const std::string& utf8) const {
    hl7::Message m = hl7::Message::parse(utf8, env_.config.limits);
    const Header h = checkHeader(m);
    // The idempotent inbox keys on (sender, control id): a correction keeps both,
    // so the partner's own resend is still recognised as this message.
    if (h.sender != stored.sender) throw AppError(Err::InvalidField, "MSH-3/MSH-4 must stay " + stored.sender, "MSH-3");
    if (h.controlId != stored.controlId)
        throw AppError(Err::InvalidField, "MSH-10 must stay " + stored.controlId, "MSH-10");
    return m;
}

Hl7Inbox::Outcome Hl7Inbox::reapply(const store::StoredMessage& stored, const std::string& actor, const InTx& inTx) {
    const hl7::Message m = checkCorrection(stored, stored.body);
    const Header h = checkHeader(m);
    Outcome out;
    out = storeAndApply(m, h.sender, h.controlId, h.type, h.event, stored.charset, stored.body, actor, env_.now(), inTx,
                        out);
    return out;
}

std::string Hl7Inbox::answer(std::string_view payload, const std::string& peer) {
    Outcome o = receive(payload, peer);
    try {
        return hl7::fromUtf8(o.ack, o.charset);
    } catch (const AppError&) {
        return o.ack;  // our ACK text is ASCII apart from echoed header fields; send UTF-8 rather than nothing
    }
}

}  // namespace medbox::hisbridge
