#pragma once
// Every route declares who may call it; the router checks it before the handler
// runs. There is no default: a route without an Access does not compile.
#include "core/auth/Principal.h"
#include <string>
#include <vector>

namespace medbox {

class Access {
public:
    // Anyone, no token (health probes, public content, login).
    static Access anyone() { return Access(true, {}, {}); }
    // Any signed-in staff member, whatever the roles (also a sign-in that
    // only allows the password change): the core's /api/v1/session.
    static Access anyStaff() { return Access(false, {"*"}, {}); }
    // Staff holding at least one of these roles.
    static Access staff(std::vector<std::string> roles) { return Access(false, std::move(roles), {}); }
    // These peer services (by name).
    static Access service(std::vector<std::string> services) { return Access(false, {}, std::move(services)); }
    static Access staffOrService(std::vector<std::string> roles, std::vector<std::string> services) {
        return Access(false, std::move(roles), std::move(services));
    }

    bool isPublic() const { return public_; }
    bool admits(const Principal& p) const;
    // Human-readable, for the OpenAPI check and error messages: "staff:scheduler|admin service:portal".
    std::string describe() const;

private:
    Access(bool pub, std::vector<std::string> roles, std::vector<std::string> services)
        : public_(pub), roles_(std::move(roles)), services_(std::move(services)) {}
    bool public_;
    std::vector<std::string> roles_;
    std::vector<std::string> services_;
};

}  // namespace medbox
