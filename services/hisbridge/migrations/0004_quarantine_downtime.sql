-- hisbridge: the quarantine, HIS downtime and the reconciliation report
-- (docs/hisbridge.md, "Operating the bridge").

-- A failed HL7 message an admin discarded (with a reason) leaves the
-- quarantine but is kept: state stays 'failed' (patient and result_report
-- refer to this table, so its CHECK is not rebuilt); discarded_ms marks it.
ALTER TABLE hl7_message ADD COLUMN discarded_ms INTEGER;
ALTER TABLE hl7_message ADD COLUMN discard_reason TEXT;
-- Retention deletes applied messages by age.
CREATE INDEX hl7_message_state_updated ON hl7_message (state, updated_ms);

-- his_outgoing gains states (nothing refers to it: rebuilt):
--   conflict   the HIS refused (2xxx) a booking made while it was down: on
--              the reconciliation report until staff handle it;
--   cancelled  staff cancelled a conflict (booking told, patient told);
--   resolved   staff marked a conflict resolved (e.g. the HIS moved its own
--              booking), with a note;
--   discarded  an admin discarded a quarantined message, with a reason.
-- downtime: 1 when the message was queued or tried while the partner was down.
CREATE TABLE his_outgoing_new (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    patient_key TEXT NOT NULL,
    txn TEXT NOT NULL CHECK (txn = 'P201' OR txn = 'P202'),
    appointment_id INTEGER NOT NULL,
    data TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'acknowledged', 'refused', 'quarantined', 'conflict',
                                         'cancelled', 'resolved', 'discarded')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms INTEGER NOT NULL,
    answer_code TEXT,
    answer_message TEXT,
    last_error TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    downtime INTEGER NOT NULL DEFAULT 0,
    handled_by TEXT,                  -- the staff member who acted (quarantine, report)
    handled_note TEXT                 -- their reason or note
);
INSERT INTO his_outgoing_new (id, request_id, patient_key, txn, appointment_id, data, state, attempts, next_ms,
                              answer_code, answer_message, last_error, created_ms, updated_ms)
    SELECT id, request_id, patient_key, txn, appointment_id, data, state, attempts, next_ms, answer_code,
           answer_message, last_error, created_ms, updated_ms FROM his_outgoing;
DROP TABLE his_outgoing;
ALTER TABLE his_outgoing_new RENAME TO his_outgoing;
CREATE INDEX his_outgoing_open ON his_outgoing (patient_key, id) WHERE state = 'pending' OR state = 'quarantined';
CREATE INDEX his_outgoing_due ON his_outgoing (next_ms) WHERE state = 'pending';
CREATE INDEX his_outgoing_state ON his_outgoing (state, updated_ms);

-- Whether each sending partner answers (HisSender, PartnerHealth): failures counts
-- attempts without an answer since the last answer, failing_since_ms the
-- first of them; down_since_ms is set while the partner is marked down.
CREATE TABLE his_partner (
    name TEXT PRIMARY KEY,
    up INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    failing_since_ms INTEGER,
    down_since_ms INTEGER,
    last_answer_ms INTEGER,
    last_error TEXT,
    attempts_total INTEGER NOT NULL DEFAULT 0,  -- requests sent, ever
    failures_total INTEGER NOT NULL DEFAULT 0,  -- of those, not acknowledged (no answer, retry, refusal, quarantine)
    updated_ms INTEGER NOT NULL
);
