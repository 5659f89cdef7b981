-- hisbridge: requests of the HIS socket interface (docs/his-protocol.md).

-- Every request a partner sent, once per (sender, request id): the idempotent
-- inbox of the socket listener. A request repeated after it was answered is
-- answered with the stored answer and not applied again; one that failed
-- (1003) is tried again when it comes back.
CREATE TABLE his_request (
    id INTEGER PRIMARY KEY,
    sender TEXT NOT NULL,          -- the partner's name (by its address), else the peer's IP address
    request_id TEXT NOT NULL,      -- the envelope's requestId
    txn TEXT NOT NULL,             -- T101..T108
    state TEXT NOT NULL CHECK (state = 'forwarded' OR state = 'stored' OR state = 'applied' OR state = 'failed'),
    answer_code TEXT NOT NULL,     -- of the last answer
    answer_message TEXT NOT NULL,
    error_field TEXT,
    charset TEXT NOT NULL,         -- as received
    peer TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    received_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    body TEXT NOT NULL,            -- the request in UTF-8
    UNIQUE (sender, request_id)
);
CREATE INDEX his_request_received ON his_request (received_ms);
CREATE INDEX his_request_txn ON his_request (txn, received_ms);
