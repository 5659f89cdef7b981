-- Staff tokens ended before their expiry (domain/Revocations): one token by
-- its jti (logout), or every token of a user issued at or before a cut-off
-- (account disabled, password reset or changed, roles changed). Every other
-- service copies the list incrementally: GET /api/v1/auth/revocations?after=SEQ.
-- seq only grows: the purge of expired rows always keeps the newest one, so
-- SQLite never hands out a seq a service has already seen.
CREATE TABLE token_revocations (
    seq          INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('token', 'subject')),
    jti          TEXT,               -- kind 'token': the token's jti; NULL for 'subject'
    subject      TEXT    NOT NULL,   -- the user name (for 'token': whose token it was)
    cutoff_ms    INTEGER NOT NULL,   -- 'subject': tokens issued at or before this end; 'token': when revoked
    expires_ms   INTEGER NOT NULL,   -- every token the row can match has expired by then: purged
    CHECK ((kind = 'token') = (jti IS NOT NULL))
);

CREATE INDEX token_revocations_by_expiry ON token_revocations(expires_ms);
CREATE INDEX token_revocations_by_subject ON token_revocations(subject, cutoff_ms) WHERE kind = 'subject';
