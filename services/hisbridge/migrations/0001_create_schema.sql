-- hisbridge: notes, the service's first resource. The core tables
-- (schema_migrations, audit_log, outbox, ...) exist already.
CREATE TABLE note (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    author TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
