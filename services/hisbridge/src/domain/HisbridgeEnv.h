#pragma once
// What the hisbridge domain and handlers get from the running service: database,
// clock, audit log, configuration, and TxEffects for audit rows and outbox
// messages inside a transaction; never the App. Built by HisbridgeApp after the
// database is open (tests build one on a temporary database with a
// ManualClock); lives until exit and is shared by all worker threads (every
// member is thread-safe or read-only).
#include "core/audit/AuditLog.h"
#include "core/db/Database.h"
#include "domain/HisbridgeConfig.h"
#include "core/service/TxEffects.h"
#include "core/time/Clock.h"
#include <functional>

namespace medbox::hisbridge {

class HisbridgeEnv {
public:
    // wakeOutbox: TxEffects::wakeOf(the service's dispatcher); empty in tests.
    HisbridgeEnv(db::Database& db, const Clock& clock, AuditLog& audit, HisbridgeConfig config,
                 TxEffects::Wake wakeOutbox = {})
        : db(db), clock(clock), audit(audit), config(config), effects(audit, clock, std::move(wakeOutbox)) {}

    db::Database& db;
    const Clock& clock;
    AuditLog& audit;  // effects.auditIn to write; audit.verify() to check the chain
    const HisbridgeConfig config;
    const TxEffects effects;

    int64_t now() const { return clock.nowMs(); }

    // Wakes the HIS sender (HisSender's job) after a commit that queued for
    // it; set by the App before the server starts, empty in tests.
    std::function<void()> wakeHisSender;
};

}  // namespace medbox::hisbridge
