#pragma once
// The inbox of the HIS socket interface (docs/his-protocol.md), the
// listener's handler: decode the request (charset, JSON envelope), check the
// transaction's data, then in one transaction store it once per (sender,
// requestId) and apply it; answer 0000 only after that transaction is durable
// (Database::write returns after the WAL sync).
//
//   - a request that cannot be read (charset, JSON, envelope, unknown txn):
//     1001/1002/1003, nothing stored;
//   - data that fails its checks: 1003 naming the field, stored "failed";
//     the same requestId sent again is tried again;
//   - departments, doctors, schedules, stop-clinic, visit status (T102-T106):
//     forwarded to booking through the outbox in the same transaction
//     ("forwarded"); T101, T107 kept ("stored"); T108 applied as the HL7 ADT^A04 it
//     maps to, through the Hl7Inbox (its own durable transaction first, then
//     this one: a repeat finds the ADT already applied), "applied";
//   - a requestId already answered 0000: the same answer, nothing applied twice;
//   - the database cannot write now: 9002, nothing stored; the HIS retries.
// The sender is the partner whose address the peer has, else the peer's IP
// address. Thread-safe: the listener calls answer() from each connection's thread.
#include "core/metrics/Metrics.h"
#include "domain/HisbridgeEnv.h"
#include "domain/Hl7Inbox.h"
#include "his/Envelope.h"
#include <Poco/Logger.h>
#include <optional>
#include <string>
#include <string_view>

namespace medbox::hisbridge {

class HisInbox {
public:
    // metrics (may be null, as in tests): medbox_his_requests_total{code},
    // medbox_his_duplicates_total, medbox_his_answer_seconds.
    // hl7: the MLLP inbox, which applies T108 as ADT^A04 (null: T108 is only stored).
    explicit HisInbox(HisbridgeEnv& env, Metrics* metrics = nullptr, Hl7Inbox* hl7 = nullptr);

    struct Outcome {
        his::Answer answer;
        std::optional<int64_t> rowId;  // the stored his_request, when stored
        bool duplicate = false;
        his::Charset charset = his::Charset::Utf8;
        std::string sender;
    };
    // One request (the frame's payload) from peer "ip:port".
    Outcome receive(std::string_view body, const std::string& peer);
    // receive(), then the answer's bytes in the partner's charset (the listener frames them).
    std::string answer(std::string_view body, const std::string& peer);

private:
    Outcome decideAndStore(std::string_view body, const std::string& peer);

    HisbridgeEnv& env_;
    Hl7Inbox* hl7_ = nullptr;
    Poco::Logger& log_;
    Metrics* metrics_ = nullptr;
    Counter* duplicates_ = nullptr;
    Histogram* answerSeconds_ = nullptr;
};

// "10.1.2.3:50312" -> "10.1.2.3"; "[::1]:50312" -> "::1".
std::string peerIp(const std::string& peer);

}  // namespace medbox::hisbridge
