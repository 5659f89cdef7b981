#include "store/VendorStore.h"

#include "core/db/Statement.h"

namespace medbox::console::store {

namespace {

constexpr const char* kWindowColumns =
    "id, state, minutes, reason, ticket, requested_by, requested_at_ms, COALESCE(approved_by, ''), opened_at_ms, "
    "ends_at_ms, closed_at_ms, COALESCE(closed_by, ''), COALESCE(close_reason, '')";

VendorWindowRow windowRow(db::Statement& st) {
    return VendorWindowRow{st.i64(0), st.str(1),    st.i64(2),    st.str(3),     st.str(4),  st.str(5), st.i64(6),
                           st.str(7), st.optI64(8), st.optI64(9), st.optI64(10), st.str(11), st.str(12)};
}

std::vector<VendorWindowRow> windows(db::Connection& c, const std::string& where, int64_t arg) {
    auto st = c.prepare(std::string("SELECT ") + kWindowColumns + " FROM vendor_windows " + where);
    st.args(arg);
    std::vector<VendorWindowRow> out;
    while (st.step()) out.push_back(windowRow(st));
    return out;
}

}  // namespace

std::optional<VendorPeerRow> vendorPeer(db::Connection& c) {
    auto st = c.prepare("SELECT public_key, address, registered_by, registered_at_ms FROM vendor_peer WHERE id = 1");
    if (!st.step()) return std::nullopt;
    return VendorPeerRow{st.str(0), st.str(1), st.str(2), st.i64(3)};
}

void setVendorPeer(db::Connection& c, const VendorPeerRow& row) {
    c.prepare(
         "INSERT INTO vendor_peer (id, public_key, address, registered_by, registered_at_ms) VALUES (1, ?, ?, ?, ?) "
         "ON CONFLICT (id) DO UPDATE SET public_key = excluded.public_key, address = excluded.address, "
         "registered_by = excluded.registered_by, registered_at_ms = excluded.registered_at_ms")
        .args(row.publicKey, row.address, row.registeredBy, row.registeredAtMs)
        .run();
}

std::optional<VendorWindowRow> liveVendorWindow(db::Connection& c) {
    auto rows = windows(c, "WHERE state <> 'closed' AND id > ? ORDER BY id DESC LIMIT 1", 0);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<VendorWindowRow> vendorWindow(db::Connection& c, int64_t id) {
    auto rows = windows(c, "WHERE id = ?", id);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<VendorWindowRow> recentVendorWindows(db::Connection& c, int limit) {
    return windows(c, "ORDER BY id DESC LIMIT ?", limit);
}

int64_t insertVendorWindow(db::Connection& c, const VendorWindowRow& row) {
    c.prepare(
         "INSERT INTO vendor_windows (state, minutes, reason, ticket, requested_by, requested_at_ms) "
         "VALUES (?, ?, ?, ?, ?, ?)")
        .args(row.state, row.minutes, row.reason, row.ticket, row.requestedBy, row.requestedAtMs)
        .run();
    return c.lastInsertId();
}

void markVendorWindowOpen(db::Connection& c, int64_t id, const std::string& approvedBy, int64_t openedAtMs,
                          int64_t endsAtMs) {
    c.prepare(
         "UPDATE vendor_windows SET state = 'open', approved_by = NULLIF(?, ''), opened_at_ms = ?, ends_at_ms = ? "
         "WHERE id = ?")
        .args(approvedBy, openedAtMs, endsAtMs, id)
        .run();
}

void markVendorWindowClosed(db::Connection& c, int64_t id, int64_t atMs, const std::string& by,
                            const std::string& reason) {
    c.prepare(
         "UPDATE vendor_windows SET state = 'closed', closed_at_ms = ?, closed_by = NULLIF(?, ''), close_reason = ? "
         "WHERE id = ?")
        .args(atMs, by, reason, id)
        .run();
}

std::vector<std::string> vendorAccounts(db::Connection& c) {
    auto st = c.prepare(
        "SELECT u.username FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'vendor' ORDER BY 1");
    std::vector<std::string> out;
    while (st.step()) out.push_back(st.str(0));
    return out;
}

}  // namespace medbox::console::store
