#pragma once
// Vendor access tables (migrations/0010_create_vendor_access.sql).
#include "core/db/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console::store {

struct VendorPeerRow {
    std::string publicKey;
    std::string address;
    std::string registeredBy;
    int64_t registeredAtMs = 0;
};

struct VendorWindowRow {
    int64_t id = 0;
    std::string state;  // awaiting_approval | open | closed
    int64_t minutes = 0;
    std::string reason;
    std::string ticket;
    std::string requestedBy;
    int64_t requestedAtMs = 0;
    std::string approvedBy{};
    std::optional<int64_t> openedAtMs{};
    std::optional<int64_t> endsAtMs{};
    std::optional<int64_t> closedAtMs{};
    std::string closedBy{};
    std::string closeReason{};
};

std::optional<VendorPeerRow> vendorPeer(db::Connection& c);
void setVendorPeer(db::Connection& c, const VendorPeerRow& row);

// The window awaiting approval or open, if any (at most one).
std::optional<VendorWindowRow> liveVendorWindow(db::Connection& c);
std::optional<VendorWindowRow> vendorWindow(db::Connection& c, int64_t id);
// Newest first.
std::vector<VendorWindowRow> recentVendorWindows(db::Connection& c, int limit);
int64_t insertVendorWindow(db::Connection& c, const VendorWindowRow& row);
void markVendorWindowOpen(db::Connection& c, int64_t id, const std::string& approvedBy, int64_t openedAtMs,
                          int64_t endsAtMs);
void markVendorWindowClosed(db::Connection& c, int64_t id, int64_t atMs, const std::string& by,
                            const std::string& reason);

// Enabled accounts holding the vendor role.
std::vector<std::string> vendorAccounts(db::Connection& c);

}  // namespace medbox::console::store
