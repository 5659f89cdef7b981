#pragma once
// What a service's write transaction does besides its own SQL: audit rows and
// outbox messages, written in the caller's transaction (rolled back with
// it), and the outbox dispatcher woken once the transaction has committed,
// so the message leaves at once instead of at the next poll. Callers never
// register the after-commit wake themselves.
//
// One per service, held by its narrow context (BookingEnv, ConsoleEnv) and
// built from the ServiceContext; lives until exit; const and thread-safe
// (AuditLog, Clock and Dispatcher::wake are).
#include "core/audit/AuditLog.h"
#include "core/db/Database.h"
#include "core/time/Clock.h"
#include <Poco/JSON/Object.h>
#include <functional>
#include <string>

namespace medbox {

class Dispatcher;

class TxEffects {
public:
    // Called with the destination after a commit that queued a message to it.
    using Wake = std::function<void(const std::string& destination)>;
    // The wake of a running service (its Dispatcher, null: none, as in tests).
    static Wake wakeOf(Dispatcher* outbox);

    TxEffects(AuditLog& audit, const Clock& clock, Wake wake = {})
        : audit_(audit), clock_(clock), wake_(std::move(wake)) {}

    // An audit row in tx. The detail never holds unmasked personal data.
    void auditIn(db::Tx& tx, const AuditEntry& entry) const { audit_.append(tx, entry); }
    // Outcome "ok", detail as JSON text (an object).
    void auditIn(db::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                 std::string detailJson) const;
    // The same with the detail as an object ("{}" without one).
    void auditIn(db::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                 const Poco::JSON::Object::Ptr& detail = nullptr) const;

    // Queues a message in tx (payloadJson: a JSON object, else
    // std::invalid_argument and nothing is queued) and wakes the dispatcher
    // for `destination` after the commit. Returns the message id.
    std::string sendIn(db::Tx& tx, const std::string& destination, const std::string& topic,
                       const std::string& payloadJson) const;
    std::string sendIn(db::Tx& tx, const std::string& destination, const std::string& topic,
                       const Poco::JSON::Object::Ptr& payload) const;

private:
    void wakeAfterCommit(db::Tx& tx, const std::string& destination) const;

    AuditLog& audit_;
    const Clock& clock_;
    Wake wake_;
};

}  // namespace medbox
