#include "Routes.h"

#include "domain/Accounts.h"
#include "domain/Revocations.h"
#include "domain/RoleCatalog.h"
#include "domain/Units.h"
#include "handlers/AuditHandlers.h"
#include "handlers/AuthHandlers.h"
#include "handlers/RevocationHandlers.h"
#include "handlers/RoleHandlers.h"
#include "handlers/UnitHandlers.h"
#include "handlers/UserHandlers.h"

#include "console/ServiceRow.h"
#include "medbox/ServiceTable.h"

#include <unistd.h>

namespace medbox::console {

namespace {

// Every service of cmake/services.cmake but the console itself.
std::vector<std::string> peerServices() {
    std::vector<std::string> peers;
    for (const auto& row : service_table::kRows)
        if (row.name != kServiceName) peers.emplace_back(row.name);
    return peers;
}

}  // namespace

RouteState::RouteState() = default;
RouteState::~RouteState() = default;

std::unique_ptr<RouteState> registerRoutes(Router& r, ServiceContext& ctx, std::unique_ptr<Revocations> revocations,
                                           std::unique_ptr<Accounts> accounts) {
    return registerRoutes(r, ctx, std::move(revocations), std::move(accounts),
                          std::make_unique<Units>(ctx.db, ctx.audit, systemBackend(), ::getpid()));
}

std::unique_ptr<RouteState> registerRoutes(Router& r, ServiceContext& ctx, std::unique_ptr<Revocations> revocations,
                                           std::unique_ptr<Accounts> accounts, std::unique_ptr<Units> units) {
    auto s = std::make_unique<RouteState>();
    s->revocations = std::move(revocations);
    s->accounts = std::move(accounts);
    s->units = std::move(units);
    s->unitHandlers = std::make_unique<UnitHandlers>(*s->units);
    s->auth = std::make_unique<AuthHandlers>(ctx, *s->accounts, *s->revocations);
    s->revocationHandlers = std::make_unique<RevocationHandlers>(*s->revocations);
    s->users = std::make_unique<UserHandlers>(*s->accounts);
    s->audit = std::make_unique<AuditHandlers>(ctx);
    auto* auth = s->auth.get();
    auto* users = s->users.get();
    auto* audit = s->audit.get();
    auto* unitsH = s->unitHandlers.get();
    auto* revoked = s->revocationHandlers.get();

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
           "Change one's own password (the user's other tokens end)");
    r.post("/api/v1/auth/logout", anyStaff, [auth](Request& q, Reply& p) { auth->logout(q, p); },
           "End the caller's own token, on every service");
    // Every service that verifies staff tokens copies the list; staff have no use for it.
    r.get("/api/v1/auth/revocations", Access::service(peerServices()),
          [revoked](Request& q, Reply& p) { revoked->list(q, p); },
          "Revoked staff tokens after a sequence number, for the services' pollers");
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

    // Appliance control: medbox's own systemd units (docs/console.md, "Units").
    // Reading is for auditors too; acting is admin only, and audited.
    r.get("/api/v1/appliance/units", auditors, [unitsH](Request& q, Reply& p) { unitsH->list(q, p); },
          "Every medbox unit with its state, main PID, memory and restarts");
    r.get("/api/v1/appliance/units/{name}", auditors, [unitsH](Request& q, Reply& p) { unitsH->get(q, p); },
          "One medbox unit and its last journal lines");
    r.post("/api/v1/appliance/units/{name}/start", admin, [unitsH](Request& q, Reply& p) { unitsH->start(q, p); },
           "Start a medbox unit and wait for the job");
    r.post("/api/v1/appliance/units/{name}/stop", admin, [unitsH](Request& q, Reply& p) { unitsH->stop(q, p); },
           "Stop a medbox unit (not the console itself) and wait for the job");
    r.post("/api/v1/appliance/units/{name}/restart", admin, [unitsH](Request& q, Reply& p) { unitsH->restart(q, p); },
           "Restart a medbox unit (not the console itself) and wait for the job");
    return s;
}

}  // namespace medbox::console
