-- Vendor access over WireGuard (domain/VendorAccess, docs/console.md
-- "Vendor access"). The vendor's WireGuard peer as an admin registered it
-- (one vendor; its public key only, never a private key), and the access
-- windows admins opened: requested, approved by a second admin where
-- console.vendor.require_approval says so, open until ends_at_ms, closed.
CREATE TABLE vendor_peer (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    public_key        TEXT    NOT NULL,   -- base64 of 32 bytes
    address           TEXT    NOT NULL,   -- the vendor's one tunnel address
    registered_by     TEXT    NOT NULL,
    registered_at_ms  INTEGER NOT NULL
);

CREATE TABLE vendor_windows (
    id               INTEGER PRIMARY KEY,
    state            TEXT    NOT NULL CHECK (state IN ('awaiting_approval', 'open', 'closed')),
    minutes          INTEGER NOT NULL,
    reason           TEXT    NOT NULL,
    ticket           TEXT    NOT NULL,   -- the service-desk ticket the window serves
    requested_by     TEXT    NOT NULL,
    requested_at_ms  INTEGER NOT NULL,
    approved_by      TEXT,
    opened_at_ms     INTEGER,
    ends_at_ms       INTEGER,
    closed_at_ms     INTEGER,
    closed_by        TEXT,
    -- closed: an admin closed it; expired: its time ran out; cancelled: closed
    -- before it opened; failed: the helper could not open the tunnel
    close_reason     TEXT CHECK (close_reason IN ('closed', 'expired', 'cancelled', 'failed'))
);

-- At most one window is awaiting approval or open at a time.
CREATE UNIQUE INDEX vendor_windows_one_live ON vendor_windows ((1)) WHERE state <> 'closed';
