-- The first-boot setup wizard (domain/SetupWizard, docs/console.md "Setup
-- wizard"). One row once the wizard is armed (a fresh appliance whose first
-- admin got a random password); completed_at_ms set when the admin confirmed
-- the applied settings. Until then every other change the console offers is
-- refused (409 setup_required).
CREATE TABLE setup_wizard (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    armed_at_ms        INTEGER NOT NULL,
    apply_deadline_ms  INTEGER,          -- set by apply: confirm before it or the firewall reverts
    completed_at_ms    INTEGER,
    completed_by       TEXT
);

-- Each step's saved answer (normalised JSON, never a private key), so a
-- reload or a second admin continues where the first stopped.
CREATE TABLE setup_steps (
    step         TEXT PRIMARY KEY,
    data         TEXT    NOT NULL,
    saved_by     TEXT    NOT NULL,
    saved_at_ms  INTEGER NOT NULL
);
