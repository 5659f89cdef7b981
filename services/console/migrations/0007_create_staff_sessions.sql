-- Staff sign-in sessions (domain/StaffSessions): one row per sign-in, with
-- the tokens it was given (the first at sign-in, one more per refresh or
-- password change), so that "end session" can revoke each of them by jti
-- and the list can say who is signed in, since when, from where.
CREATE TABLE staff_sessions (
    id               INTEGER PRIMARY KEY,
    username         TEXT    NOT NULL,
    started_at_ms    INTEGER NOT NULL,
    last_used_at_ms  INTEGER NOT NULL,     -- the last refresh (pages refresh while they are used)
    address          TEXT    NOT NULL DEFAULT '',
    user_agent       TEXT    NOT NULL DEFAULT '',  -- shortened: browser and system only
    ended_at_ms      INTEGER,
    end_reason       TEXT                  -- logout, ended_by_admin, ended_by_user
);

CREATE INDEX staff_sessions_by_user ON staff_sessions(username);

CREATE TABLE session_tokens (
    jti           TEXT    PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES staff_sessions(id) ON DELETE CASCADE,
    issued_at_ms  INTEGER NOT NULL,       -- the token's iat (whole seconds, in ms)
    expires_ms    INTEGER NOT NULL
);

CREATE INDEX session_tokens_by_session ON session_tokens(session_id);
