#pragma once
// What the @name@ domain and handlers get from the running service: database,
// clock, audit log, configuration and the outbox wake-up; never the App.
// Built by @Name@App after the database is open (tests build one on a
// temporary database with a ManualClock); lives until exit and is shared by
// all worker threads (every member is thread-safe or read-only).
#include "audit/AuditLog.h"
#include "db/Database.h"
#include "domain/@Name@Config.h"
#include "outbox/Outbox.h"
#include "time/Clock.h"
#include <functional>
#include <string>

namespace medbox::@name@ {

class @Name@Env {
public:
    // wakeOutbox: called with the destination after a commit that queued a
    // message; empty in tests that do not look at it.
    @Name@Env(db::Database& db, const Clock& clock, AuditLog& audit, @Name@Config config,
              std::function<void(const std::string&)> wakeOutbox = {})
        : db(db), clock(clock), audit(audit), config(config), wakeOutbox_(std::move(wakeOutbox)) {}

    db::Database& db;
    const Clock& clock;
    AuditLog& audit;
    const @Name@Config config;

    int64_t now() const { return clock.nowMs(); }

    // Queues a message (payloadJson: a JSON object) for another service in the
    // caller's transaction and wakes the dispatcher after the commit.
    void enqueueIn(db::Tx& tx, const std::string& destination, const std::string& topic,
                   const std::string& payloadJson) {
        Outbox::enqueue(tx, destination, topic, payloadJson, now());
        if (wakeOutbox_) tx.afterCommit([this, destination] { wakeOutbox_(destination); });
    }

private:
    std::function<void(const std::string&)> wakeOutbox_;
};

}  // namespace medbox::@name@
