#pragma once
// The tamper-evident audit log: an append-only table in the service's own
// database in which each row carries the SHA-256 of the previous row's hash
// and its own content. Rows are written in the same transaction as the action
// they record. verify() finds an edited, inserted or deleted row; deletion of
// the newest rows is found against the head anchor file kept up to date
// after commits (<db>.audit-head, AnchorWriter.h). See docs/audit.md.
#include "core/audit/AnchorWriter.h"
#include "core/db/Database.h"
#include "core/time/Clock.h"
#include <cstdint>
#include <string>

namespace medbox {

struct AuditEntry {
    std::string actor;           // "staff:zhangsan", "service:portal", "anonymous"
    std::string action;          // "booking.create", "auth.login_failed", ...
    std::string target;          // "appointment:42"
    std::string outcome = "ok";  // ok | denied | failed
    std::string detail;          // JSON text, no unmasked personal data
};

struct AuditVerifyResult {
    bool ok = true;
    int64_t rows = 0;
    int64_t firstBadSeq = 0;
    std::string reason;
};

class AuditLog {
public:
    // anchorFile: empty disables the anchor (tests of the chain alone).
    AuditLog(const Clock& clock, std::string anchorFile);
    void append(db::Tx& tx, const AuditEntry& e);
    // Brings the anchor file up to date first (it may lag by a moment).
    AuditVerifyResult verify(db::Database& db) const;
    // Returns once the anchor file holds the newest committed head.
    void flushAnchor() const;
    uint64_t anchorWrites() const { return anchor_ ? anchor_->writes() : 0; }

private:
    const Clock& clock_;
    std::unique_ptr<AnchorWriter> anchor_;  // null without an anchor file
};

}  // namespace medbox
