#pragma once
// The setup wizard's tables (migrations/0009_create_setup_wizard.sql).
#include "core/db/Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console::store {

struct SetupRow {
    int64_t armedAtMs = 0;
    std::optional<int64_t> applyDeadlineMs{};
    std::optional<int64_t> completedAtMs{};
    std::string completedBy{};
};

struct SetupStepRow {
    std::string step;
    std::string data;  // JSON object
    std::string savedBy;
    int64_t savedAtMs = 0;
};

std::optional<SetupRow> setupRow(db::Connection& c);
void armSetup(db::Connection& c, int64_t nowMs);  // no-op when armed
void setApplyDeadline(db::Connection& c, std::optional<int64_t> deadlineMs);
void completeSetup(db::Connection& c, int64_t nowMs, const std::string& by);
std::vector<SetupStepRow> setupSteps(db::Connection& c);
void saveSetupStep(db::Connection& c, const SetupStepRow& row);

}  // namespace medbox::console::store
