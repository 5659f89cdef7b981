#include "domain/Retention.h"
#include "core/db/Statement.h"
#include <Poco/Logger.h>

namespace medbox::hisbridge {

namespace {

constexpr int kBatch = 500;

// Runs sql (bound to the cutoff and the batch size) until it changes no row.
int64_t inBatches(HisbridgeEnv& env, const std::string& sql, int64_t cutoff) {
    int64_t total = 0;
    for (;;) {
        int64_t changed = 0;
        env.db.write([&](db::Tx& tx) {
            tx.prepare(sql).args(cutoff, kBatch).run();
            changed = tx.conn().changes();
        });
        total += changed;
        if (changed < kBatch) return total;
    }
}

}  // namespace

RetentionResult runRetention(HisbridgeEnv& env) {
    const int64_t cutoff = env.now() - env.config.retentionMs;
    RetentionResult r;
    const std::string kept =
        "(state = 'applied' OR (state = 'received' AND type LIKE 'SIU^%')) AND updated_ms < ? AND discarded_ms IS NULL";
    r.hl7Deleted = inBatches(env,
                             "DELETE FROM hl7_message WHERE id IN (SELECT m.id FROM hl7_message m WHERE " + kept +
                                 " AND NOT EXISTS (SELECT 1 FROM patient p WHERE p.message_id = m.id) "
                                 "AND NOT EXISTS (SELECT 1 FROM result_report r WHERE r.message_id = m.id) LIMIT ?)",
                             cutoff);
    r.hl7Emptied = inBatches(env,
                             "UPDATE hl7_message SET body = '' WHERE id IN (SELECT id FROM hl7_message WHERE " + kept +
                                 " AND body <> '' LIMIT ?)",
                             cutoff);
    r.hisRequestsDeleted = inBatches(env,
                                     "DELETE FROM his_request WHERE id IN (SELECT id FROM his_request WHERE state IN "
                                     "('applied', 'forwarded') AND updated_ms < ? LIMIT ?)",
                                     cutoff);
    r.hisOutgoingDeleted = inBatches(env,
                                     "DELETE FROM his_outgoing WHERE id IN (SELECT id FROM his_outgoing WHERE state = "
                                     "'acknowledged' AND updated_ms < ? LIMIT ?)",
                                     cutoff);
    if (r.hl7Deleted + r.hl7Emptied + r.hisRequestsDeleted + r.hisOutgoingDeleted > 0) {
        env.db.write([](db::Tx& tx) { tx.exec("PRAGMA incremental_vacuum"); });
        Poco::Logger::get("hisbridge.retention")
            .information("retention: %s HL7 messages deleted, %s emptied, %s HIS requests, %s P2xx deleted",
                         std::to_string(r.hl7Deleted), std::to_string(r.hl7Emptied),
                         std::to_string(r.hisRequestsDeleted), std::to_string(r.hisOutgoingDeleted));
    }
    return r;
}

}  // namespace medbox::hisbridge
