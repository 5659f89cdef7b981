#pragma once
// What the booking domain needs from the running service: database, clock,
// audit log, outbox dispatcher, the configured rules, local time and the
// availability cache. Built by BookingApp after the database is open (tests
// build one on a temporary database with a ManualClock); lives until exit and
// is shared by all worker threads (every member is thread-safe or read-only).
#include "audit/AuditLog.h"
#include "db/Database.h"
#include "domain/AvailabilityCache.h"
#include "domain/BookingRules.h"
#include "domain/LocalTime.h"
#include "time/Clock.h"
#include <Poco/JSON/Object.h>
#include <functional>
#include <string>

namespace medbox::booking {

// Who is acting: the audit actor ("staff:wang", "service:portal") and whether
// it is the patient portal (online channel) rather than a staff desk.
struct Caller {
    std::string actor;
    bool portal = false;
};

class BookingEnv {
public:
    // wakeOutbox: called with the destination after a commit that queued a
    // message (the dispatcher may start after the routes are registered, so
    // it is looked up late); empty in tests.
    BookingEnv(db::Database& db, const Clock& clock, AuditLog& audit, BookingRules rules,
               std::function<void(const std::string&)> wakeOutbox = {})
        : db(db), clock(clock), audit(audit), rules(std::move(rules)), time(this->rules.utcOffsetMinutes),
          wakeOutbox_(std::move(wakeOutbox)) {}

    db::Database& db;
    const Clock& clock;
    AuditLog& audit;
    const BookingRules rules;
    const HospitalTime time;
    AvailabilityCache cache;

    int64_t now() const { return clock.nowMs(); }
    std::string today() const { return time.date(now()); }

    // Appends an audit row in the caller's transaction. detail: no unmasked
    // personal data, ever.
    void auditIn(db::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                 const Poco::JSON::Object::Ptr& detail = nullptr);
    // The same with the detail already written as JSON text (an object).
    void auditIn(db::Tx& tx, const std::string& actor, const std::string& action, const std::string& target,
                 std::string detailJson);
    // Queues a message (payloadJson: a JSON object) in the caller's
    // transaction and wakes the dispatcher after commit.
    void enqueueIn(db::Tx& tx, const std::string& destination, const std::string& topic,
                   const std::string& payloadJson);

private:
    std::function<void(const std::string&)> wakeOutbox_;
};

// An insertion-ordered JSON object (readable payloads and API bodies).
inline Poco::JSON::Object::Ptr jsonObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }
std::string toJsonText(const Poco::JSON::Object::Ptr& obj);

}  // namespace medbox::booking
