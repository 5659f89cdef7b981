#include "domain/RoleCatalog.h"

#include <algorithm>

namespace medbox::console {

const std::vector<RoleInfo>& RoleCatalog::all() {
    // Least privilege: no role implies another; admin manages accounts and the
    // appliance but sees no clinical data unless also given a clinical role
    // (exception: the HIS bridge's message log, docs/hisbridge.md "Access").
    static const std::vector<RoleInfo> roles = {
        {"admin",
         "Staff accounts, roles and appliance control (units, firewall profile, HA, vendor access windows); "
         "the HIS bridge's message log",
         {"console", "hisbridge"},
         true},
        {"scheduler", "Scheduling (排班): departments, doctors, schedules, stop-clinic notices", {"booking"}, true},
        {"registrar",
         "Registration and triage desk (挂号/分诊): book on a patient's behalf, check-in, cancel, close a session",
         {"booking"},
         true},
        {"nurse", "Check-in and queue calling", {"booking"}, true},
        {"doctor", "Own queue; critical-value alerts (later)", {"booking", "alerting"}, true},
        {"quality", "Critical-value statistics (later)", {"alerting"}, false},
        {"auditor",
         "Read audit logs and verify their hash chain; read staff accounts, sessions and password rules; the HIS "
         "bridge's message log; read-only",
         {"console", "hisbridge"},
         true},
        {"it_agent", "Service desk agent (later)", {"servicedesk"}, false},
        {"it_engineer", "Service desk engineer (later)", {"servicedesk"}, false},
        {"backup_operator", "Backup and restore (later)", {"console"}, false},
        {"vendor", "Vendor support in the console, only inside an access window an admin opened", {"console"}, false},
    };
    return roles;
}

bool RoleCatalog::isKnown(std::string_view role) {
    const auto& r = all();
    return std::any_of(r.begin(), r.end(), [&](const RoleInfo& i) { return i.name == role; });
}

std::vector<std::string> RoleCatalog::names() {
    std::vector<std::string> out;
    for (const auto& r : all()) out.emplace_back(r.name);
    return out;
}

std::vector<std::string> RoleCatalog::anyStaff() {
    auto out = names();
    out.emplace_back(kMustChangePasswordRole);
    return out;
}

}  // namespace medbox::console
