#pragma once
// Reading a service's audit_log (written only by AuditLog::append): the rows
// an auditor filters, as JSON and as CSV. Every service serves them at
// GET /api/v1/system/audit (docs/audit.md); the console's viewer shows all
// services' logs side by side. Stateless; pass a reader connection.
#include "core/db/Database.h"
#include <Poco/JSON/Object.h>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox {

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

struct AuditFilter {
    int64_t afterSeq = 0;  // rows with a greater seq, oldest first
    // Newest first instead: rows with a smaller seq than beforeSeq (0: from
    // the newest row); afterSeq must then be 0.
    bool newestFirst = false;
    int64_t beforeSeq = 0;
    int limit = 100;
    std::string actor;                        // exactly this actor ("staff:alice"), when not empty
    std::string actionPrefix;                 // actions starting with this ("user." finds user.create, ...)
    std::string target;                       // exactly this target ("user:alice")
    std::string outcome;                      // ok, denied or failed
    std::optional<int64_t> sinceMs, untilMs;  // at_ms in [since, until)
    std::string text;                         // in actor, target or detail (case-sensitive), when not empty
};

std::vector<AuditRow> auditRows(db::Connection& c, const AuditFilter& filter);
// Rows with seq > afterSeq, oldest first, no other filter.
std::vector<AuditRow> auditRowsAfter(db::Connection& c, int64_t afterSeq, int limit);

// One row as the API shows it: detail as an object when it is JSON.
Poco::JSON::Object::Ptr auditRowJson(const AuditRow& row);
// RFC 4180 CSV with a header line; a cell that a spreadsheet would run as a
// formula (starting with = + - @, tab or CR) is prefixed with a quote (').
std::string auditCsv(const std::vector<AuditRow>& rows);

}  // namespace medbox
