#pragma once
// The audit viewer's reader (docs/console.md, "Audit viewer"): every medbox
// service's audit log and the state of its hash chain, for the console's
// pages. A page cannot call the other services itself (CSP connect-src
// 'self', no CORS), so the console asks them: GET /api/v1/system/audit and
// /api/v1/system/integrity?parts=audit with its own short-lived service
// token (the services admit the console's service identity on both; a staff
// token of an auditor would be refused on integrity). Its own log it reads
// from its own database. Filters arrive validated (handlers) and are sent on
// rebuilt from their parsed values, never as the caller's raw query string.
//
// Owned by Handlers; thread-safe (each call makes its own client).
#include "core/audit/AuditRows.h"
#include "domain/ConsoleEnv.h"
#include "domain/PeerStatus.h"
#include <Poco/JSON/Array.h>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

// One service's chain as verified just now.
struct ChainState {
    std::string service;
    bool known = false;  // false: not verified (error says why)
    bool ok = false;
    int64_t rows = 0;         // rows verified before the end or the break
    int64_t firstBadSeq = 0;  // when !ok: the first row that does not verify (0: the anchor file)
    std::string reason;       // when !ok: the service's explanation
    std::string error;        // when !known
};

struct AuditPage {
    Poco::JSON::Array::Ptr entries;     // the service's rows in the order asked for, as it rendered them
    std::optional<int64_t> nextAfter;   // a full page, oldest first: ask again with after=nextAfter
    std::optional<int64_t> nextBefore;  // a full page, newest first: ask again with before=nextBefore
};

class AuditReader {
public:
    // A page of rows may take a while to read on a big log; the chain check
    // reads the whole table. Both stay well below the page's patience.
    static constexpr int kTimeoutSeconds = 10;

    AuditReader(ConsoleEnv& env, PeerStatus& peers);

    // The console first, then every peer with a configured URL, in table order.
    std::vector<std::string> services() const;
    // 400 (field "service") unless `service` is one of services().
    void requireKnown(const std::string& service) const;
    // 503 when a peer does not answer or answers other than 200.
    AuditPage page(const std::string& service, const AuditFilter& filter) const;
    std::string csv(const std::string& service, const AuditFilter& filter) const;
    // Never throws for a peer that is away: known=false with the reason.
    ChainState chain(const std::string& service, int timeoutSeconds = kTimeoutSeconds) const;

private:
    std::string fetch(const std::string& service, const std::string& pathAndQuery, int timeoutSeconds) const;

    ConsoleEnv& env_;
    PeerStatus& peers_;
};

// The query string the services' /api/v1/system/audit takes, from a filter.
std::string auditQueryString(const AuditFilter& filter, const std::string& format);

}  // namespace medbox::console
