-- Password rules and lockout settings an admin edits (domain/PasswordRules):
-- one row per setting; a setting without a row has its default (docs/security.md,
-- "Password rules"). And the hashes of each account's earlier passwords, so
-- that a change cannot go back to one of the last N (never the passwords).
CREATE TABLE account_settings (
    name           TEXT    PRIMARY KEY,  -- e.g. password_min_length
    value          INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL
);

CREATE TABLE password_history (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    password_hash  TEXT    NOT NULL,     -- scrypt$..., the hash the account had before a change
    replaced_at_ms INTEGER NOT NULL
);

CREATE INDEX password_history_by_user ON password_history(user_id, id);
