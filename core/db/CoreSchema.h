#pragma once
// Tables every service database has, created before the service's own
// migrations: the migration ledger, the replication log (HA), the audit chain,
// the outbox and the inbox of seen message ids.
namespace medbox::db {

inline constexpr const char* kCoreSchema = R"SQL(
CREATE TABLE IF NOT EXISTS schema_migrations(
  number INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS replication_log(
  seq INTEGER PRIMARY KEY, committed_ms INTEGER NOT NULL, changeset BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS audit_log(
  seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  target TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox(
  id INTEGER PRIMARY KEY, message_id TEXT NOT NULL UNIQUE, destination TEXT NOT NULL,
  topic TEXT NOT NULL, payload TEXT NOT NULL, created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL, delivered_ms INTEGER,
  last_error TEXT);
-- The dispatcher walks the waiting messages per destination in id order.
DROP INDEX IF EXISTS outbox_due;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(destination, id) WHERE delivered_ms IS NULL;
-- Housekeeping deletes delivered messages and old inbox ids by age.
CREATE INDEX IF NOT EXISTS outbox_delivered ON outbox(delivered_ms) WHERE delivered_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS inbox_seen(
  message_id TEXT PRIMARY KEY, source TEXT NOT NULL, received_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS inbox_seen_received ON inbox_seen(received_ms);
)SQL";

}  // namespace medbox::db
