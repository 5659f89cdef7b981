// Every route of the console and who may call it. Keep in step with
// web/openapi.json (each operation's x-medbox-access; RoutesTest checks it).
#include "Routes.h"

#include "FirewallTimeRoutes.h"
#include "SetupGate.h"
#include "SetupRoutes.h"
#include "UpdateRoutes.h"
#include "VendorRoutes.h"
#include "domain/RoleCatalog.h"
#include "handlers/Handlers.h"

#include "console/ServiceRow.h"
#include "medbox/ServiceTable.h"

#include <memory>

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

void registerRoutes(Router& r, ConsoleEnv& env, Metrics& metrics, Accounts& accounts, Revocations& revocations,
                    Units& units, ResourceSamples& samples, PeerStatus& peers, VendorAccess& vendor) {
    const auto bind = methodsOf(
        std::make_shared<Handlers>(env, metrics, accounts, revocations, units, samples, peers, vendor));

    // Any signed-in staff member, including one whose token only allows the
    // password change (kMustChangePasswordRole).
    const auto anyStaff = Access::staff(RoleCatalog::anyStaff());
    // Fully signed-in staff: every assignable role, not the must-change marker.
    const auto signedIn = Access::staff(RoleCatalog::names());
    const auto admin = Access::staff({"admin"});
    const auto auditors = Access::staff({"auditor", "admin"});
    // Changes wait for the first-boot setup wizard (SetupGate.h); sign-in,
    // the password change and TOTP do not (the wizard's first step needs them).
    const auto gated = [&env](Handler h) { return untilSetupDone(env, std::move(h)); };

    r.post("/api/v1/auth/login", Access::anyone(), bind(&Handlers::login),
           "Log in with user name, password and (when enabled) a TOTP code");
    r.post("/api/v1/auth/refresh", anyStaff, bind(&Handlers::refresh),
           "Exchange a valid staff token for a fresh one (roles re-read)");
    r.post("/api/v1/auth/password", anyStaff, bind(&Handlers::changePassword),
           "Change one's own password (the user's other tokens end)");
    r.post("/api/v1/auth/logout", anyStaff, bind(&Handlers::logout), "End the caller's own token, on every service");
    // Every service that verifies staff tokens copies the list; staff have no use for it.
    r.get("/api/v1/auth/revocations", Access::service(peerServices()), bind(&Handlers::listRevocations),
          "Revoked staff tokens after a sequence number, for the services' pollers");
    r.post("/api/v1/auth/totp/enroll", signedIn, bind(&Handlers::enrollTotp), "Start enrolling a TOTP second factor");
    r.post("/api/v1/auth/totp/confirm", signedIn, bind(&Handlers::confirmTotp),
           "Turn the second factor on with a first code; answers 10 single-use recovery codes, shown once");
    r.post("/api/v1/auth/totp/recovery-codes", signedIn, bind(&Handlers::newRecoveryCodes),
           "A new list of recovery codes (the earlier ones end)");
    r.get("/api/v1/me", anyStaff, bind(&Handlers::me), "The caller's own account");
    r.get("/api/v1/roles", anyStaff, bind(&Handlers::listRoles), "The role catalogue");

    // Staff and roles: auditors read everything an admin sees, change nothing.
    r.get("/api/v1/users", auditors, bind(&Handlers::listUsers), "List staff accounts");
    r.post("/api/v1/users", admin, gated(bind(&Handlers::createUser)), "Create a staff account");
    r.get("/api/v1/users/{id}", auditors, bind(&Handlers::getUser), "One staff account");
    r.patch("/api/v1/users/{id}", admin, gated(bind(&Handlers::updateUser)),
            "Change display name, roles, enabled, or remove the second factor");
    r.post("/api/v1/users/{id}/password", admin, gated(bind(&Handlers::resetPassword)),
           "Set a new password the user must change at next login");
    r.post("/api/v1/users/{id}/unlock", admin, gated(bind(&Handlers::unlockUser)),
           "Lift a lockout after failed logins");
    // Every staff member reads the rules: the password page shows them to
    // whoever must choose a new password; only admins change them.
    r.get("/api/v1/settings/password-rules", anyStaff, bind(&Handlers::getPasswordRules),
          "Password rules (length, classes, history, expiry) and lockout settings");
    r.put("/api/v1/settings/password-rules", admin, gated(bind(&Handlers::setPasswordRules)),
          "Change the password rules and lockout settings (audited)");
    r.get("/api/v1/sessions", signedIn, bind(&Handlers::listSessions),
          "Open staff sessions: everybody's for admins and auditors, one's own for other staff");
    r.post("/api/v1/sessions/{id}/end", signedIn, bind(&Handlers::endSession),
           "End a session: its tokens are revoked on every service (admins: any; others: their own)");
    // Not gated: ending a session is a security action wanted at any time.

    // The staff directory: every signed-in member of the hospital's staff;
    // not the vendor (an outsider), not a must-change token.
    std::vector<std::string> hospitalStaff = RoleCatalog::names();
    std::erase(hospitalStaff, "vendor");
    r.get("/api/v1/directory", Access::staff(hospitalStaff), bind(&Handlers::searchDirectory),
          "Find colleagues by name, department, title, skill or extension (通讯录)");
    r.get("/api/v1/directory/departments", Access::staff(hospitalStaff), bind(&Handlers::directoryDepartments),
          "The departments in the staff directory, for its filter");
    r.get("/api/v1/users/{id}/directory", auditors, bind(&Handlers::getDirectoryEntry),
          "One account's staff directory entry");
    r.put("/api/v1/users/{id}/directory", admin, gated(bind(&Handlers::updateDirectoryEntry)),
          "Set one account's staff directory entry (audited)");

    r.get("/api/v1/audit", auditors, bind(&Handlers::listAudit),
          "The console's audit log, oldest first, after a sequence number");
    r.get("/api/v1/audit/verify", auditors, bind(&Handlers::verifyAudit), "Verify the audit log's hash chain");

    // Appliance control: medbox's own systemd units (docs/console.md, "Units").
    // Reading is for auditors too; acting is admin only, and audited.
    r.get("/api/v1/appliance/units", auditors, bind(&Handlers::listUnits),
          "Every medbox unit with its state, main PID, memory and restarts");
    r.get("/api/v1/appliance/units/{name}", auditors, bind(&Handlers::getUnit),
          "One medbox unit and its last journal lines");
    r.get("/api/v1/appliance/units/{name}/journal", auditors, bind(&Handlers::unitJournal),
          "A page of a medbox unit's journal: priority, time window and text filters; page back or follow by cursor");
    r.get("/api/v1/appliance/services", auditors, bind(&Handlers::listServices),
          "Each medbox service's readiness, outbox backlog and certificate, as last checked");
    r.get("/api/v1/appliance/samples", auditors, bind(&Handlers::listSamples),
          "The overview's charts: CPU, memory, disk and each unit's memory over a time window");
    // The audit viewer over every service's log (docs/console.md, "Audit viewer").
    r.get("/api/v1/appliance/audit", auditors, bind(&Handlers::applianceAudit),
          "One medbox service's audit log, filtered, oldest first, with its chain's state; or as CSV");
    r.get("/api/v1/appliance/audit/chains", auditors, bind(&Handlers::auditChains),
          "Every medbox service's audit chain, verified now");
    r.post("/api/v1/appliance/units/{name}/start", admin, gated(bind(&Handlers::startUnit)),
           "Start a medbox unit and wait for the job");
    r.post("/api/v1/appliance/units/{name}/stop", admin, gated(bind(&Handlers::stopUnit)),
           "Stop a medbox unit (not the console itself) and wait for the job");
    r.post("/api/v1/appliance/units/{name}/restart", admin, gated(bind(&Handlers::restartUnit)),
           "Restart a medbox unit (not the console itself) and wait for the job");

    registerSetupRoutes(r, env);
    registerUpdateRoutes(r, env);
    // The firewall page and the time panel (FirewallTimeRoutes.cpp).
    registerFirewallTimeRoutes(r, env);
    registerVendorRoutes(r, env, vendor);
}

}  // namespace medbox::console
