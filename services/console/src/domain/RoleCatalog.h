#pragma once
// The fixed catalogue of staff roles. Roles are code, not data: every service
// names the roles its routes admit (Access::staff), so a role an admin could
// invent at run time would grant nothing, and a typo would silently grant
// nothing too. docs/security.md lists what each role may do and which services
// honour it; keep the two in step. Immutable, safe from any thread.
#include "core/auth/Principal.h"
#include <string>
#include <string_view>
#include <vector>

namespace medbox::console {

struct RoleInfo {
    std::string_view name;
    std::string_view description;
    std::vector<std::string_view> services;  // services whose routes admit it
    bool available;                          // false: reserved, the features come later
};

// kMustChangePasswordRole (core/auth/Principal.h) is put into a token
// instead of the user's roles while the user must change their password:
// only /auth/password, /auth/refresh, /me and /roles admit it, so a password
// an admin set (and therefore knows) opens nothing else. Not assignable.
using medbox::kMustChangePasswordRole;

class RoleCatalog {
public:
    static const std::vector<RoleInfo>& all();
    static bool isKnown(std::string_view role);
    // Every assignable role name, in catalogue order.
    static std::vector<std::string> names();
    // Every assignable role plus the must-change marker: the Access of routes
    // "any signed-in staff member" may call.
    static std::vector<std::string> anyStaff();
};

}  // namespace medbox::console
