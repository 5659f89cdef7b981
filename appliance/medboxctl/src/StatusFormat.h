#pragma once
// Text for "medboxctl status": the unit table, the one-unit detail and the
// small formatters they use. Pure functions of their inputs ("now" is passed
// in) so they are tested without a bus or a clock.
#include "core/systemd/Journal.h"
#include "core/systemd/UnitControl.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::ctl {

using systemd::TimePoint;

// 1536 -> "1.5K", 13107200 -> "12.5M" (binary units, as systemctl shows them).
std::string formatBytes(std::uint64_t bytes);
// Local time, "2025-05-20 10:00:01".
std::string formatTime(TimePoint t);
// "3min 2s ago", "in 1h 5min", "now".
std::string formatRelative(TimePoint then, TimePoint now);
// Makes untrusted text (journal messages, unit descriptions) safe for a
// terminal: control characters and invalid UTF-8 become \xNN, so a unit
// cannot move the cursor or change colours on the operator's screen.
std::string escapeForTerminal(std::string_view text);

std::string formatUnitTable(const std::vector<systemd::UnitStatus>& units);
std::string formatUnitDetail(const systemd::UnitStatus& unit, TimePoint now);
std::string formatJournal(const std::vector<systemd::JournalLine>& lines);

}  // namespace medbox::ctl
