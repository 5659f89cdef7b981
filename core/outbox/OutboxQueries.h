#pragma once
// The dispatcher's queries, here so that OutboxTest can check their plans:
// each one seeks through the partial index outbox_pending (destination, id)
// and never scans the waiting messages, so a pass costs the same with ten or
// a hundred thousand messages queued behind a destination that is down.
#include <string>

namespace medbox::outbox_sql {

// A CTE "d(name)": the destinations with undelivered messages, one index
// seek per destination (SQLite has no loose index scan of its own).
inline const std::string kPendingDestinations =
    "WITH RECURSIVE d(name) AS ("
    "SELECT MIN(destination) FROM outbox WHERE delivered_ms IS NULL "
    "UNION ALL SELECT (SELECT MIN(o.destination) FROM outbox o WHERE o.delivered_ms IS NULL AND o.destination > "
    "d.name) "
    "FROM d WHERE d.name IS NOT NULL) ";

inline const std::string kDestinations = kPendingDestinations + "SELECT d.name FROM d WHERE d.name IS NOT NULL";

// When the first head of line is due (a message behind it waits for it).
inline const std::string kNextDue =
    kPendingDestinations +
    "SELECT MIN((SELECT o.next_attempt_ms FROM outbox o WHERE o.destination = d.name AND o.delivered_ms IS NULL "
    "ORDER BY o.id LIMIT 1)) FROM d WHERE d.name IS NOT NULL";

// The first `?2` waiting messages to destination ?1, in order.
inline const std::string kQueue =
    "SELECT id, message_id, destination, topic, payload, created_ms, attempts, last_error, next_attempt_ms "
    "FROM outbox WHERE destination = ? AND delivered_ms IS NULL ORDER BY id LIMIT ?";

// Housekeeping, a bounded batch per transaction (the writer is shared): the
// oldest delivered messages delivered before ?1, and inbox ids received before ?1.
inline const std::string kPurgeDelivered =
    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE delivered_ms IS NOT NULL AND delivered_ms < ? "
    "ORDER BY delivered_ms LIMIT ?)";
inline const std::string kPurgeInbox =
    "DELETE FROM inbox_seen WHERE message_id IN (SELECT message_id FROM inbox_seen WHERE received_ms < ? "
    "ORDER BY received_ms LIMIT ?)";

}  // namespace medbox::outbox_sql
