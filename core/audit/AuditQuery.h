#pragma once
// The audit filters of a query string (docs/audit.md): one parser for every
// service's GET /api/v1/system/audit and the console's audit viewer, so both
// accept and refuse the same requests with the same messages.
#include "core/audit/AuditRows.h"
#include "core/http/Request.h"

namespace medbox {

// after/before/limit/order, actor/action/target/outcome/q (at most 200 bytes
// each) and since/until (ISO 8601 instants, since before until). Throws
// AppError InvalidField naming the parameter that is wrong.
AuditFilter auditFilterFrom(const Request& rq);

}  // namespace medbox
