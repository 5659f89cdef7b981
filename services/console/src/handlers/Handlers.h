#pragma once
// The console API's handlers: parse and validate input, call the domain,
// render JSON. One object for the whole service, built by Routes.cpp and
// shared by all worker threads (no per-request state; the login counters are
// atomic). Methods are implemented in one file per resource:
// AuthHandlers.cpp (/auth/*, /me), RevocationHandlers.cpp, RoleHandlers.cpp,
// UserHandlers.cpp, AuditHandlers.cpp, UnitHandlers.cpp.
#include "domain/Accounts.h"
#include "domain/AuditReader.h"
#include "domain/ConsoleEnv.h"
#include "domain/Directory.h"
#include "domain/PeerStatus.h"
#include "domain/ResourceSamples.h"
#include "domain/Revocations.h"
#include "domain/StaffSessions.h"
#include "domain/Units.h"
#include "domain/VendorAccess.h"
#include "core/http/Request.h"
#include "core/metrics/Metrics.h"

namespace medbox::console {

class Handlers {
public:
    Handlers(ConsoleEnv& env, Metrics& metrics, Accounts& accounts, Revocations& revocations, Units& units,
             ResourceSamples& samples, PeerStatus& peers, VendorAccess& vendor);

    // a staff member's own account and token
    void login(Request& rq, Reply& rp);
    void refresh(Request& rq, Reply& rp);
    void changePassword(Request& rq, Reply& rp);
    void logout(Request& rq, Reply& rp);
    void enrollTotp(Request& rq, Reply& rp);
    void confirmTotp(Request& rq, Reply& rp);
    void newRecoveryCodes(Request& rq, Reply& rp);
    void me(Request& rq, Reply& rp);
    // the revoked tokens, for the other services' pollers
    void listRevocations(Request& rq, Reply& rp);
    // the role catalogue
    void listRoles(Request& rq, Reply& rp);
    // user administration
    void listUsers(Request& rq, Reply& rp);
    void getUser(Request& rq, Reply& rp);
    void createUser(Request& rq, Reply& rp);
    void updateUser(Request& rq, Reply& rp);
    void resetPassword(Request& rq, Reply& rp);
    void unlockUser(Request& rq, Reply& rp);
    // password rules and lockout settings (SettingsHandlers.cpp)
    void getPasswordRules(Request& rq, Reply& rp);
    void setPasswordRules(Request& rq, Reply& rp);
    // staff sessions (SessionHandlers.cpp)
    void listSessions(Request& rq, Reply& rp);
    void endSession(Request& rq, Reply& rp);
    // the staff directory
    void searchDirectory(Request& rq, Reply& rp);
    void directoryDepartments(Request& rq, Reply& rp);
    void getDirectoryEntry(Request& rq, Reply& rp);
    void updateDirectoryEntry(Request& rq, Reply& rp);
    // the audit log
    void listAudit(Request& rq, Reply& rp);
    void verifyAudit(Request& rq, Reply& rp);
    // every service's audit log and chain, for the audit viewer and the overview
    void applianceAudit(Request& rq, Reply& rp);
    void auditChains(Request& rq, Reply& rp);
    // medbox's systemd units
    void listUnits(Request& rq, Reply& rp);
    void getUnit(Request& rq, Reply& rp);
    void unitJournal(Request& rq, Reply& rp);
    // the overview's charts
    void listSamples(Request& rq, Reply& rp);
    void listServices(Request& rq, Reply& rp);
    void startUnit(Request& rq, Reply& rp) { actOnUnit(rq, rp, UnitVerb::Start); }
    void stopUnit(Request& rq, Reply& rp) { actOnUnit(rq, rp, UnitVerb::Stop); }
    void restartUnit(Request& rq, Reply& rp) { actOnUnit(rq, rp, UnitVerb::Restart); }

private:
    // The caller's user name (the route admits staff only).
    const std::string& subject(const Request& rq) const;
    void actOnUnit(Request& rq, Reply& rp, UnitVerb verb);

    ConsoleEnv& env_;
    Accounts& accounts_;
    Revocations& revocations_;
    Units& units_;
    ResourceSamples& samples_;
    PeerStatus& peers_;
    VendorAccess& vendor_;  // vendor accounts sign in only inside a window
    Directory directory_;
    AuditReader auditReader_;
    StaffSessions sessions_;
    Counter& loginOk_;
    Counter& loginFailed_;
    Counter& loginLocked_;
};

}  // namespace medbox::console
