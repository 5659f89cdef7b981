#pragma once
// What the console's domain and handlers need from the running service:
// database, clock, audit log, the configuration, and TxEffects for audit
// rows and outbox messages inside a transaction; never the App (the token
// key is handed to Accounts alone). Built by ConsoleApp after the database
// is open (tests build one on a temporary database with a ManualClock);
// lives until exit and is shared by all worker threads (every member is
// thread-safe or read-only).
#include "core/audit/AuditLog.h"
#include "core/db/Database.h"
#include "domain/ConsoleConfig.h"
#include "core/service/TxEffects.h"
#include "core/time/Clock.h"

namespace medbox::console {

class ConsoleEnv {
public:
    // wakeOutbox: TxEffects::wakeOf(the service's dispatcher); empty in tests.
    ConsoleEnv(db::Database& db, const Clock& clock, AuditLog& audit, ConsoleConfig config,
               TxEffects::Wake wakeOutbox = {})
        : db(db), clock(clock), audit(audit), config(std::move(config)), effects(audit, clock, std::move(wakeOutbox)) {}

    db::Database& db;
    const Clock& clock;
    AuditLog& audit;  // effects.auditIn to write; audit.verify() to check the chain
    const ConsoleConfig config;
    const TxEffects effects;

    int64_t now() const { return clock.nowMs(); }
};

}  // namespace medbox::console
