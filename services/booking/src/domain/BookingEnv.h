#pragma once
// What the booking domain needs from the running service: database, clock,
// audit and outbox (TxEffects), the configuration, local time and the
// availability cache; never the App. Built by BookingApp after the database
// is open (tests build one on a temporary database with a ManualClock); lives
// until exit and is shared by all worker threads (every member is
// thread-safe or read-only).
#include "core/audit/AuditLog.h"
#include "core/db/Database.h"
#include "domain/AvailabilityCache.h"
#include "domain/BookingConfig.h"
#include "domain/LocalTime.h"
#include "core/service/TxEffects.h"
#include "core/time/Clock.h"
#include <Poco/JSON/Object.h>
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
    // wakeOutbox: TxEffects::wakeOf(the service's dispatcher); empty in tests.
    BookingEnv(db::Database& db, const Clock& clock, AuditLog& audit, BookingConfig config,
               TxEffects::Wake wakeOutbox = {})
        : db(db),
          clock(clock),
          rules(std::move(config)),
          time(this->rules.utcOffsetMinutes),
          effects(audit, clock, std::move(wakeOutbox)) {}

    db::Database& db;
    const Clock& clock;
    const BookingConfig rules;
    const HospitalTime time;
    AvailabilityCache cache;
    // Audit rows and outbox messages in a transaction (effects.auditIn,
    // effects.sendIn); the dispatcher is woken after the commit.
    const TxEffects effects;

    int64_t now() const { return clock.nowMs(); }
    std::string today() const { return time.date(now()); }
};

// An insertion-ordered JSON object (readable payloads and API bodies).
inline Poco::JSON::Object::Ptr jsonObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }
std::string toJsonText(const Poco::JSON::Object::Ptr& obj);

}  // namespace medbox::booking
