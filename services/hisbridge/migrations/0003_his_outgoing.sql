-- hisbridge: what medbox sends to the HIS over the socket interface
-- (docs/his-protocol.md, P201 book, P202 cancel), from booking's
-- booking.created / booking.cancelled. One row per booking message; the
-- message id is the requestId the HIS sees on every attempt, so the HIS can
-- take a repeat as one. Sent in order per patient: a patient's next message
-- waits until the one before it was answered (acknowledged, refused) or an
-- admin acts on it (quarantined holds the rest back).
CREATE TABLE his_outgoing (
    id INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,  -- booking's outbox message id
    patient_key TEXT NOT NULL,        -- documentType:documentNumber
    txn TEXT NOT NULL CHECK (txn = 'P201' OR txn = 'P202'),
    appointment_id INTEGER NOT NULL,
    data TEXT NOT NULL,               -- the request's data (booking's payload)
    state TEXT NOT NULL CHECK (state = 'pending' OR state = 'acknowledged' OR state = 'refused'
                               OR state = 'quarantined'),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_ms INTEGER NOT NULL,
    answer_code TEXT,
    answer_message TEXT,
    last_error TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL
);
CREATE INDEX his_outgoing_open ON his_outgoing (patient_key, id) WHERE state = 'pending' OR state = 'quarantined';
CREATE INDEX his_outgoing_due ON his_outgoing (next_ms) WHERE state = 'pending';
