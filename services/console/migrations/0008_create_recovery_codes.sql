-- Single-use recovery codes for the TOTP step of sign-in (domain/RecoveryCodes):
-- issued when a user turns the second factor on (shown once), each usable
-- once instead of a one-time code. Only a hash of each code is kept.
CREATE TABLE totp_recovery_codes (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash      TEXT    NOT NULL,   -- hex SHA-256 of the normalised code (80 random bits)
    created_at_ms  INTEGER NOT NULL,
    used_at_ms     INTEGER             -- NULL until used
);

CREATE INDEX totp_recovery_codes_by_user ON totp_recovery_codes(user_id);
