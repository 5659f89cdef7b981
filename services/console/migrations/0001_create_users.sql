-- Staff accounts and their roles. Times are milliseconds since the Unix epoch (UTC).
-- Portable SQL: the same schema runs on PostgreSQL with BIGINT/identity ids.
CREATE TABLE users (
    id                      INTEGER PRIMARY KEY,
    username                TEXT    NOT NULL UNIQUE,
    display_name            TEXT    NOT NULL,
    password_hash           TEXT    NOT NULL,   -- scrypt$N$r$p$salt$hash, never the password
    enabled                 INTEGER NOT NULL DEFAULT 1,
    must_change_password    INTEGER NOT NULL DEFAULT 0,
    totp_secret             TEXT,               -- base32; set on enrolment, NULL when no second factor
    totp_enabled            INTEGER NOT NULL DEFAULT 0,
    totp_last_step          INTEGER,            -- last 30 s step accepted: a code is good once
    created_at_ms           INTEGER NOT NULL,
    updated_at_ms           INTEGER NOT NULL,
    last_login_at_ms        INTEGER,
    password_changed_at_ms  INTEGER NOT NULL
);

-- Role names are checked against the catalogue in code (domain/RoleCatalog).
CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT    NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE INDEX user_roles_by_role ON user_roles(role);
