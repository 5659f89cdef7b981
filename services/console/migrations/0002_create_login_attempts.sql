-- Consecutive failed logins per user name, for the lockout rule
-- (domain/LoginPolicy). Keyed by name, not by user id, so that names which do
-- not exist lock exactly like real ones and a lockout reveals nothing.
-- Rows whose count has expired are pruned on each failure, which bounds the
-- table by the failure rate over one lockout period.
CREATE TABLE login_attempts (
    username             TEXT    PRIMARY KEY,
    failures             INTEGER NOT NULL,
    last_failure_at_ms   INTEGER NOT NULL,
    locked_until_ms      INTEGER
);

CREATE INDEX login_attempts_by_last_failure ON login_attempts(last_failure_at_ms);
