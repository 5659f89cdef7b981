#pragma once
// Read access to this database's audit_log table (written only by the core's
// AuditLog::append). Stateless; pass a reader connection.
#include "core/db/Database.h"
#include <cstdint>
#include <string>
#include <vector>

namespace medbox::console {

struct AuditRow {
    int64_t seq = 0;
    int64_t atMs = 0;
    std::string actor;
    std::string action;
    std::string target;
    std::string outcome;
    std::string detail;  // JSON text or empty
    std::string prevHash;
    std::string hash;
};

namespace store {

// Rows with seq > afterSeq, oldest first.
std::vector<AuditRow> auditRowsAfter(db::Connection& c, int64_t afterSeq, int limit);

}  // namespace store

}  // namespace medbox::console
