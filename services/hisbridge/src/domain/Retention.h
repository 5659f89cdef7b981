#pragma once
// Retention (hisbridge.retention.days, run every hisbridge.retention.interval_ms
// by the App's PeriodicJob): what was delivered or applied and is older than
// the setting is deleted, in batches so that no write holds the database long.
//   - hl7_message applied (and SIU kept as received): deleted, unless a
//     patient or a result still points at it; then only its body is emptied
//     (the bulk of its size), the row stays for the result's provenance;
//   - his_request applied or forwarded; his_outgoing acknowledged.
// Never: failed HL7 messages, quarantined or conflicting P2xx (they wait for
// staff), nor anything discarded or handled by staff (kept as the record of
// that decision). Freed pages go back to SQLite's free list for new rows;
// PRAGMA incremental_vacuum returns them to the file system on databases
// created with auto_vacuum=INCREMENTAL (docs/hisbridge.md, "Retention").
#include "domain/HisbridgeEnv.h"

namespace medbox::hisbridge {

struct RetentionResult {
    int64_t hl7Deleted = 0, hl7Emptied = 0, hisRequestsDeleted = 0, hisOutgoingDeleted = 0;
};

RetentionResult runRetention(HisbridgeEnv& env);

}  // namespace medbox::hisbridge
