-- hisbridge: HL7 messages received, and what applying them produced. The core
-- tables (schema_migrations, audit_log, outbox, ...) exist already.

-- Every message from a partner, once per (sender, control id): the idempotent
-- inbox of the MLLP listener (docs/hl7.md). body is the message in UTF-8.
CREATE TABLE hl7_message (
    id INTEGER PRIMARY KEY,
    sender TEXT NOT NULL,          -- MSH-3/MSH-4 ("HIS/HOSP01")
    control_id TEXT NOT NULL,      -- MSH-10
    type TEXT NOT NULL,            -- MSH-9 message type and event ("ORU^R01")
    patient_id TEXT,               -- the HIS's patient id (PID-3), for search
    state TEXT NOT NULL CHECK (state IN ('received', 'applied', 'failed')),
    ack_code TEXT NOT NULL,        -- MSA-1 of the last answer
    error_code TEXT,
    error_location TEXT,
    error_text TEXT,
    charset TEXT NOT NULL,         -- as received (MSH-18 or the partner's)
    peer TEXT NOT NULL,
    attempts INTEGER NOT NULL,     -- deliveries of a failed message until it applied
    received_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (sender, control_id)
);
CREATE INDEX hl7_message_patient ON hl7_message (patient_id, received_ms);
CREATE INDEX hl7_message_control ON hl7_message (control_id);
CREATE INDEX hl7_message_received ON hl7_message (received_ms);

-- Patients registered and updated by ADT^A04/A08.
CREATE TABLE patient (
    patient_id TEXT PRIMARY KEY,   -- PID-3 (PI/MR/PT, else the first id)
    card_number TEXT,              -- PID-3 of type CARD (visit card)
    id_number TEXT,                -- PID-3 of type NNCHN or NI (resident ID)
    name TEXT,
    sex TEXT,
    birth_date TEXT,
    phone TEXT,
    updated_ms INTEGER NOT NULL,
    message_id INTEGER NOT NULL REFERENCES hl7_message (id)
);
CREATE INDEX patient_card ON patient (card_number);
CREATE INDEX patient_id_number ON patient (id_number);

-- Results of ORU^R01: one report per OBR, one observation per OBX.
CREATE TABLE result_report (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES hl7_message (id),
    patient_id TEXT,
    card_number TEXT,
    id_number TEXT,
    report_id TEXT NOT NULL,       -- OBR-3 filler order number (else OBR-2)
    service_code TEXT,             -- OBR-4
    service_name TEXT,
    observed_at TEXT,              -- OBR-7, as sent (HL7 DTM)
    status TEXT,                   -- OBR-25
    critical INTEGER NOT NULL      -- 1 when an observation is flagged HH, LL or AA
);
CREATE INDEX result_report_message ON result_report (message_id);
CREATE INDEX result_report_card ON result_report (card_number);
CREATE INDEX result_report_id_number ON result_report (id_number);

CREATE TABLE observation (
    id INTEGER PRIMARY KEY,
    report INTEGER NOT NULL REFERENCES result_report (id),
    value_type TEXT,               -- OBX-2
    code TEXT NOT NULL,            -- OBX-3
    name TEXT,
    value TEXT,                    -- OBX-5, repetitions joined by a line end
    units TEXT,                    -- OBX-6
    reference_range TEXT,          -- OBX-7
    flags TEXT NOT NULL,           -- OBX-8, repetitions joined by '~' ("" when none)
    critical INTEGER NOT NULL,
    status TEXT,                   -- OBX-11
    observed_at TEXT               -- OBX-14
);
CREATE INDEX observation_report ON observation (report);
