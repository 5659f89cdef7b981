#pragma once
// medbox -> HIS over the socket interface (docs/his-protocol.md): booking's
// booking.created and booking.cancelled, delivered to hisbridge by booking's
// outbox, become P201 (book) and P202 (cancel) to the HIS partner.
//
// Exactly once and in order per patient:
//   - acceptBookingMessage() stores each booking message once (its outbox
//     id, recorded with Inbox::accept in the same transaction), as a row of
//     his_outgoing keyed by the patient (document type and number);
//   - runOnce() sends, for each patient, only the oldest message not yet
//     answered, with that message's id as the requestId on every attempt
//     (the HIS takes a repeat as one); the next one of that patient waits;
//   - 0000: acknowledged. A code of the partner's retry_codes (9xxx), no
//     answer, a broken or malformed answer: sent again after a backoff (1 s
//     doubling to 5 min). 2xxx: refused; for a
//     booking, booking is told to reverse it (outbox his.booking_refused)
//     and the portal gets the reason (outbox booking.his_refused). Any other
//     code (1xxx): quarantined, and the patient's later messages wait for an
//     admin (Quarantine: correct and resend, or discard).
//   - Downtime (PartnerHealth): attempts without an answer mark the
//     partner down; a P201 queued or tried meanwhile that the HIS then
//     refuses (2xxx) becomes a "conflict" on the reconciliation report
//     instead of being reversed at once (Reconciliation). While the partner
//     is down only the oldest message is tried (a probe), so the queue
//     reaches the HIS in the order it was made when it answers again.
// runOnce() runs on one thread (the App's PeriodicJob); accept from any.
#include "core/metrics/Metrics.h"
#include "domain/HisbridgeEnv.h"
#include "his/Client.h"
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <optional>
#include <string>

namespace medbox::hisbridge {

// A booking message's data checked (the same checks on arrival and on an
// admin's correction): the appointment and the patient's document.
struct BookingData {
    int64_t appointmentId = 0;
    std::string patientKey;  // documentType:documentNumber
};
// name: the JSON member named in errors ("payload", "data").
BookingData checkBookingData(const std::string& txn, const Poco::JSON::Object::Ptr& payload, const std::string& name);

// The HIS refused a booking: booking reverses it (his.booking_refused) and
// the portal tells the patient why (booking.his_refused), in tx.
void queueRefusal(db::Tx& tx, const HisbridgeEnv& env, const std::string& requestId, int64_t appointmentId,
                  const std::string& code, const std::string& reason, const std::string& bookingData);

// Stores one message of booking's outbox (topic booking.created or
// booking.cancelled); false when that id was seen before. Throws AppError
// (BadRequest, InvalidField) for another topic or a payload without the
// appointment or the patient's document.
bool acceptBookingMessage(HisbridgeEnv& env, const std::string& messageId, const std::string& topic,
                          const Poco::JSON::Object::Ptr& payload);

class HisSender {
public:
    explicit HisSender(HisbridgeEnv& env, Metrics* metrics = nullptr);

    // Sends what is due; returns the number of messages that got an answer
    // (acknowledged, refused or quarantined) in this run.
    int runOnce();

    // Backoff after `attempts` failed attempts (1 s doubling, at most 5 min).
    static int64_t backoffMs(int64_t attempts);

private:
    const HisbridgeConfig::HisPartner* partner() const;

    HisbridgeEnv& env_;
    Poco::Logger& log_;
    Metrics* metrics_ = nullptr;
};

}  // namespace medbox::hisbridge
