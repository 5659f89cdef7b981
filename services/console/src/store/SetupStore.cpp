#include "store/SetupStore.h"

#include "core/db/Statement.h"

namespace medbox::console::store {

std::optional<SetupRow> setupRow(db::Connection& c) {
    auto st = c.prepare(
        "SELECT armed_at_ms, apply_deadline_ms, completed_at_ms, COALESCE(completed_by, '') FROM setup_wizard "
        "WHERE id = 1");
    if (!st.step()) return std::nullopt;
    return SetupRow{st.i64(0), st.optI64(1), st.optI64(2), st.str(3)};
}

void armSetup(db::Connection& c, int64_t nowMs) {
    c.prepare("INSERT INTO setup_wizard (id, armed_at_ms) VALUES (1, ?) ON CONFLICT (id) DO NOTHING").args(nowMs).run();
}

void setApplyDeadline(db::Connection& c, std::optional<int64_t> deadlineMs) {
    c.prepare("UPDATE setup_wizard SET apply_deadline_ms = ? WHERE id = 1").args(deadlineMs).run();
}

void completeSetup(db::Connection& c, int64_t nowMs, const std::string& by) {
    c.prepare("UPDATE setup_wizard SET completed_at_ms = ?, completed_by = ?, apply_deadline_ms = NULL WHERE id = 1")
        .args(nowMs, by)
        .run();
}

std::vector<SetupStepRow> setupSteps(db::Connection& c) {
    auto st = c.prepare("SELECT step, data, saved_by, saved_at_ms FROM setup_steps");
    std::vector<SetupStepRow> out;
    while (st.step()) out.push_back({st.str(0), st.str(1), st.str(2), st.i64(3)});
    return out;
}

void saveSetupStep(db::Connection& c, const SetupStepRow& row) {
    c.prepare(
         "INSERT INTO setup_steps (step, data, saved_by, saved_at_ms) VALUES (?, ?, ?, ?) "
         "ON CONFLICT (step) DO UPDATE SET data = excluded.data, saved_by = excluded.saved_by, "
         "saved_at_ms = excluded.saved_at_ms")
        .args(row.step, row.data, row.savedBy, row.savedAtMs)
        .run();
}

}  // namespace medbox::console::store
