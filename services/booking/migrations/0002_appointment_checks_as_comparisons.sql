-- The appointment table again, with the same columns, rows and indexes; only
-- its CHECK constraints and the condition of appointment_one_per_session are
-- written as comparisons instead of IN lists. SQLite evaluates `x IN (...)`
-- with three or more constants through a temporary b-tree that it builds
-- again for every row inserted or updated: three of them on every booking,
-- 13 of its 18 b-tree inserts (docs/benchmarks.md, "2026-11-30 evening").
--
-- SQLite cannot change a CHECK in place: the table is copied (the documented
-- "generalized ALTER TABLE procedure"). Foreign keys stay on; they are checked
-- at the end of the migration's transaction instead of statement by statement.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE appointment_new (
    id              INTEGER PRIMARY KEY,
    schedule_id     INTEGER NOT NULL REFERENCES schedule (id),
    slot_id         INTEGER NOT NULL REFERENCES slot (id),
    document_type   TEXT    NOT NULL CHECK (document_type = 'resident_id' OR document_type = 'passport'
                                            OR document_type = 'other'),
    document_number TEXT    NOT NULL,
    patient_name    TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel = 'portal' OR channel = 'desk'),
    status          TEXT    NOT NULL CHECK (status = 'booked' OR status = 'checked_in' OR status = 'called'
                                            OR status = 'completed' OR status = 'cancelled' OR status = 'stopped'
                                            OR status = 'no_show' OR status = 'unserved'),
    created_by      TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    cancelled_at    INTEGER,
    cancel_reason   TEXT    NOT NULL DEFAULT '',
    checked_in_at   INTEGER,
    queue_no        INTEGER,
    queue_pos       INTEGER,
    called_at       INTEGER,
    call_count      INTEGER NOT NULL DEFAULT 0,
    pass_count      INTEGER NOT NULL DEFAULT 0,
    finished_at     INTEGER
);
INSERT INTO appointment_new (id, schedule_id, slot_id, document_type, document_number, patient_name, phone, channel,
                             status, created_by, created_at, cancelled_at, cancel_reason, checked_in_at, queue_no,
                             queue_pos, called_at, call_count, pass_count, finished_at)
SELECT id, schedule_id, slot_id, document_type, document_number, patient_name, phone, channel,
       status, created_by, created_at, cancelled_at, cancel_reason, checked_in_at, queue_no,
       queue_pos, called_at, call_count, pass_count, finished_at
FROM appointment;
DROP TABLE appointment;
ALTER TABLE appointment_new RENAME TO appointment;

CREATE INDEX appointment_by_patient ON appointment (document_number, document_type, status);
CREATE INDEX appointment_by_schedule ON appointment (schedule_id, status, queue_pos);
CREATE INDEX appointment_by_slot ON appointment (slot_id);
-- One active booking per patient per doctor session (anti-scalping), also as
-- a backstop in the schema.
CREATE UNIQUE INDEX appointment_one_per_session ON appointment (schedule_id, document_type, document_number)
    WHERE status = 'booked' OR status = 'checked_in' OR status = 'called';
