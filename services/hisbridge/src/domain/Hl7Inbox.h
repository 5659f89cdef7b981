#pragma once
// The inbox of HL7 messages arriving over MLLP: decode (charset, then
// parse), check the header, then in one transaction store the message once
// per (sender, MSH-10) and apply it; answer AA only after that transaction
// is durable (Database::write returns after the WAL sync). docs/hl7.md.
//
//   - a message that cannot be read (no valid MSH, bad charset, over a
//     limit, a type we do not take, no control id): AR, nothing stored;
//   - one that is read but cannot be applied (a required field missing, a
//     bad value): AE with an ERR segment, stored with state "failed" (its
//     work rolled back); sent again with the same control id, it is tried
//     again;
//   - one already applied or kept: AA again, nothing applied twice;
//   - the database cannot write now: AR (207), nothing stored; the sender
//     sends it again later.
// Thread-safe: the listener calls answer() from each connection's thread.
#include "core/metrics/Metrics.h"
#include "domain/HisbridgeEnv.h"
#include "hl7/Charset.h"
#include "hl7/Message.h"
#include "store/MessageStore.h"
#include <functional>
#include <Poco/Logger.h>
#include <atomic>
#include <optional>
#include <string>
#include <string_view>

namespace medbox::hisbridge {

class Hl7Inbox {
public:
    // metrics (may be null, as in tests): medbox_hl7_messages_total{ack},
    // medbox_hl7_duplicates_total, medbox_hl7_ack_seconds (receipt to answer).
    explicit Hl7Inbox(HisbridgeEnv& env, Metrics* metrics = nullptr);

    struct Outcome {
        std::string ackCode;               // AA, AE, AR
        std::optional<int64_t> messageId;  // the stored row, when stored
        bool duplicate = false;
        std::string ack;  // the ACK message in UTF-8 (CR-separated segments)
        hl7::Charset charset = hl7::Charset::Utf8;
    };
    // One message (MLLP payload) from peer: what was done, and the ACK.
    Outcome receive(std::string_view payload, const std::string& peer);
    // receive(), then the ACK in the message's character set (the listener's handler).
    std::string answer(std::string_view payload, const std::string& peer);

    // Runs inside the store-and-apply transaction with the row as it ends up
    // (the quarantine writes its audit row there).
    using InTx = std::function<void(db::Tx&, const store::StoredMessage&)>;
    // An admin's corrected body (UTF-8), read by the same parser and header
    // checks as a message from the wire; sender and control id must stay.
    // Throws AppError naming the segment and field.
    hl7::Message checkCorrection(const store::StoredMessage& stored, const std::string& utf8) const;
    // Applies a stored failed message again from its (possibly corrected)
    // body, exactly as if the partner had resent it; peer records who did.
    Outcome reapply(const store::StoredMessage& stored, const std::string& peer, const InTx& inTx);

private:
    std::string nextAckId();
    Outcome decideAndStore(std::string_view payload, const std::string& peer);
    Outcome storeAndApply(const hl7::Message& msg, const std::string& sender, const std::string& controlId,
                          const std::string& type, const std::string& event, const std::string& charsetName,
                          const std::string& utf8, const std::string& peer, int64_t now, const InTx& inTx, Outcome out);
    void count(const Outcome& o, double seconds);

    HisbridgeEnv& env_;
    Poco::Logger& log_;
    std::atomic<uint64_t> ackSeq_{0};
    Counter* acked_[3] = {nullptr, nullptr, nullptr};  // AA, AE, AR
    Counter* duplicates_ = nullptr;
    Histogram* ackSeconds_ = nullptr;
};

// The message types this inbox takes: ADT^A04, ADT^A08, ORU^R01, SIU^S12-S15, SIU^S26.
bool supportedType(const std::string& type, const std::string& event);

}  // namespace medbox::hisbridge
