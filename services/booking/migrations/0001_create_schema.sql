-- Outpatient booking: departments, doctors, schedules (one doctor, one date,
-- one session), slots with capacity, appointments and idempotency keys.
-- Portable SQL (SQLite now, PostgreSQL later). Times are UTC milliseconds;
-- clinic dates and session times are hospital-local text (YYYY-MM-DD, HH:MM).

CREATE TABLE department (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL DEFAULT '',
    location    TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE doctor (
    id            INTEGER PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES department (id),
    name          TEXT    NOT NULL,
    title         TEXT    NOT NULL CHECK (title IN ('chief', 'associate_chief', 'attending', 'resident')),
    specialty     TEXT    NOT NULL DEFAULT '',
    photo_url     TEXT    NOT NULL DEFAULT '',
    introduction  TEXT    NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX doctor_by_department ON doctor (department_id);

CREATE TABLE schedule (
    id            INTEGER PRIMARY KEY,
    doctor_id     INTEGER NOT NULL REFERENCES doctor (id),
    clinic_date   TEXT    NOT NULL,
    session_code  TEXT    NOT NULL CHECK (session_code IN ('morning', 'afternoon', 'evening')),
    start_time    TEXT    NOT NULL,
    end_time      TEXT    NOT NULL,
    slot_minutes  INTEGER NOT NULL CHECK (slot_minutes > 0),
    room          TEXT    NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity > 0),
    fee_cents     INTEGER NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'stopped', 'closed')),
    stop_reason   TEXT    NOT NULL DEFAULT '',
    next_queue_no INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (doctor_id, clinic_date, session_code)
);
CREATE INDEX schedule_by_date ON schedule (clinic_date, start_time);
CREATE INDEX schedule_by_room ON schedule (room, clinic_date);

CREATE TABLE slot (
    id          INTEGER PRIMARY KEY,
    schedule_id INTEGER NOT NULL REFERENCES schedule (id),
    seq         INTEGER NOT NULL,
    start_time  TEXT    NOT NULL,
    end_time    TEXT    NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity >= 0),
    -- The database itself refuses an overbooked slot, whatever the code does.
    booked      INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (schedule_id, seq)
);

CREATE TABLE appointment (
    id              INTEGER PRIMARY KEY,
    schedule_id     INTEGER NOT NULL REFERENCES schedule (id),
    slot_id         INTEGER NOT NULL REFERENCES slot (id),
    document_type   TEXT    NOT NULL CHECK (document_type IN ('resident_id', 'passport', 'other')),
    document_number TEXT    NOT NULL,
    patient_name    TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    channel         TEXT    NOT NULL CHECK (channel IN ('portal', 'desk')),
    status          TEXT    NOT NULL CHECK (status IN ('booked', 'checked_in', 'called', 'completed',
                                                        'cancelled', 'stopped', 'no_show', 'unserved')),
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
CREATE INDEX appointment_by_patient ON appointment (document_number, document_type, status);
CREATE INDEX appointment_by_schedule ON appointment (schedule_id, status, queue_pos);
CREATE INDEX appointment_by_slot ON appointment (slot_id);
-- One active booking per patient per doctor session (anti-scalping), also as
-- a backstop in the schema.
CREATE UNIQUE INDEX appointment_one_per_session ON appointment (schedule_id, document_type, document_number)
    WHERE status IN ('booked', 'checked_in', 'called');

-- Idempotency-Key of POST /api/v1/appointments, per caller.
CREATE TABLE idempotency_key (
    caller         TEXT    NOT NULL,
    idem_key       TEXT    NOT NULL,
    request_hash   TEXT    NOT NULL,
    status         INTEGER NOT NULL,
    appointment_id INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_key_by_age ON idempotency_key (created_at);
