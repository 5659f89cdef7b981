#include "Routes.h"

#include "domain/Accounts.h"
#include "domain/RoleCatalog.h"
#include "handlers/AuditHandlers.h"
#include "handlers/AuthHandlers.h"
#include "handlers/RoleHandlers.h"
#include "handlers/UserHandlers.h"

namespace medbox::console {

RouteState::RouteState() = default;
RouteState::~RouteState() = default;

std::unique_ptr<RouteState> registerRoutes(Router& r, ServiceContext& ctx, std::unique_ptr<Accounts> accounts) {
    auto s = std::make_unique<RouteState>();
    s->accounts = std::move(accounts);
    s->auth = std::make_unique<AuthHandlers>(ctx, *s->accounts);
    s->users = std::make_unique<UserHandlers>(*s->accounts);
    s->audit = std::make_unique<AuditHandlers>(ctx);
    auto* auth = s->auth.get();
    auto* users = s->users.get();
    auto* audit = s->audit.get();

    // Any signed-in staff member, including one whose token only allows the
    // password change (kMustChangePasswordRole).
    const auto anyStaff = Access::staff(RoleCatalog::anyStaff());
    // Fully signed-in staff: every assignable role, not the must-change marker.
    const auto signedIn = Access::staff(RoleCatalog::names());
    const auto admin = Access::staff({"admin"});

    r.post("/api/v1/auth/login", Access::anyone(), [auth](Request& q, Reply& p) { auth->login(q, p); },
           "Log in with user name, password and (when enabled) a TOTP code");
    r.post("/api/v1/auth/refresh", anyStaff, [auth](Request& q, Reply& p) { auth->refresh(q, p); },
           "Exchange a valid staff token for a fresh one (roles re-read)");
    r.post("/api/v1/auth/password", anyStaff, [auth](Request& q, Reply& p) { auth->changePassword(q, p); },
           "Change one's own password");
    r.post("/api/v1/auth/totp/enroll", signedIn, [auth](Request& q, Reply& p) { auth->enrollTotp(q, p); },
           "Start enrolling a TOTP second factor");
    r.post("/api/v1/auth/totp/confirm", signedIn, [auth](Request& q, Reply& p) { auth->confirmTotp(q, p); },
           "Turn the second factor on with a first code");
    r.get("/api/v1/me", anyStaff, [auth](Request& q, Reply& p) { auth->me(q, p); }, "The caller's own account");
    r.get("/api/v1/roles", anyStaff, [](Request& q, Reply& p) { roles::list(q, p); }, "The role catalogue");

    r.get("/api/v1/users", admin, [users](Request& q, Reply& p) { users->list(q, p); }, "List staff accounts");
    r.post("/api/v1/users", admin, [users](Request& q, Reply& p) { users->create(q, p); }, "Create a staff account");
    r.get("/api/v1/users/{id}", admin, [users](Request& q, Reply& p) { users->get(q, p); }, "One staff account");
    r.patch("/api/v1/users/{id}", admin, [users](Request& q, Reply& p) { users->update(q, p); },
            "Change display name, roles, enabled, or remove the second factor");
    r.post("/api/v1/users/{id}/password", admin, [users](Request& q, Reply& p) { users->resetPassword(q, p); },
           "Set a new password the user must change at next login");
    r.post("/api/v1/users/{id}/unlock", admin, [users](Request& q, Reply& p) { users->unlock(q, p); },
           "Lift a lockout after failed logins");

    const auto auditors = Access::staff({"auditor", "admin"});
    r.get("/api/v1/audit", auditors, [audit](Request& q, Reply& p) { audit->list(q, p); },
          "The console's audit log, oldest first, after a sequence number");
    r.get("/api/v1/audit/verify", auditors, [audit](Request& q, Reply& p) { audit->verify(q, p); },
          "Verify the audit log's hash chain");
    return s;
}

}  // namespace medbox::console
