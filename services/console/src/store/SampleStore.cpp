#include "store/SampleStore.h"

namespace medbox::console::store {

void insertSamples(db::Connection& c, int64_t tMs, const std::vector<Reading>& readings) {
    // OR REPLACE: two samples in the same millisecond (a manual clock in tests) keep the last.
    for (const auto& r : readings) {
        c.prepare("INSERT OR REPLACE INTO resource_samples (metric, t_ms, value) VALUES (?, ?, ?)")
            .args(r.metric, tMs, r.value)
            .run();
    }
}

int64_t purgeSamples(db::Connection& c, int64_t beforeMs) {
    c.prepare("DELETE FROM resource_samples WHERE t_ms < ?").args(beforeMs).run();
    return c.changes();
}

std::vector<Series> sampleSeries(db::Connection& c, const std::string& prefix, int64_t sinceMs, int64_t untilMs,
                                 int64_t stepMs) {
    // Prefix as a range on the primary key: no LIKE, so '%' and '_' in a
    // mount path mean themselves.
    auto st = c.prepare(
        "SELECT metric, (t_ms - ?1) / ?2 AS bucket, avg(value) FROM resource_samples "
        "WHERE metric >= ?3 AND (?3 = '' OR metric < ?3 || char(1114111)) AND t_ms >= ?1 AND t_ms < ?4 "
        "GROUP BY metric, bucket ORDER BY metric, bucket");
    st.args(sinceMs, stepMs, prefix, untilMs);
    std::vector<Series> out;
    while (st.step()) {
        const std::string metric = st.str(0);
        if (out.empty() || out.back().metric != metric) out.push_back({metric, {}});
        out.back().points.push_back({sinceMs + st.i64(1) * stepMs, st.f64(2)});
    }
    return out;
}

}  // namespace medbox::console::store
