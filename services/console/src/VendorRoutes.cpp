// Vendor access over WireGuard (docs/console.md, "Vendor access"): admins
// register the vendor's key and open, approve and close windows; auditors
// read the state and the vendor's live activity. The vendor role itself
// reaches none of these.
#include "VendorRoutes.h"

#include "SetupGate.h"
#include "core/error/AppError.h"
#include "domain/VendorAccess.h"
#include "handlers/Input.h"

#include <cstdint>

namespace medbox::console {

namespace {

const std::string& staffName(const Request& rq) {
    const auto& p = rq.principal();
    if (!p || p->kind != Principal::Kind::Staff) throw AppError(Err::Forbidden, "a staff token is required");
    return p->subject;
}

}  // namespace

void registerVendorRoutes(Router& r, ConsoleEnv& env, VendorAccess& vendor) {
    const auto admin = Access::staff({"admin"});
    const auto auditors = Access::staff({"auditor", "admin"});
    VendorAccess* v = &vendor;

    r.get(
        "/api/v1/vendor", auditors, [v](Request&, Reply& rp) { rp.json(v->state()); },
        "Vendor access: the appliance's WireGuard public key and endpoint, the vendor's key, the window "
        "(open, awaiting approval or none) and recent ones");
    r.put("/api/v1/vendor/peer", admin,
          untilSetupDone(env,
                         [v](Request& rq, Reply& rp) {
                             auto body = rq.json();
                             body.allowOnly({"publicKey", "address"});
                             rp.json(
                                 v->registerPeer(staffName(rq), body.str("publicKey", 100), body.str("address", 45)));
                         }),
          "Register the vendor's WireGuard public key and tunnel address (audited; refused while a window is open)");
    r.post("/api/v1/vendor/windows", admin,
           untilSetupDone(env,
                          [v](Request& rq, Reply& rp) {
                              auto body = rq.json();
                              body.allowOnly({"minutes", "reason", "ticket"});
                              rp.json(v->open(staffName(rq), body.integer("minutes", 1, 100'000),
                                              body.str("reason", 1000), body.str("ticket", 100)));
                          }),
           "Open a vendor access window (or ask a second admin to approve it); audited");
    r.post("/api/v1/vendor/windows/{id}/approve", admin,
           untilSetupDone(env,
                          [v](Request& rq, Reply& rp) {
                              input::noBody(rq);
                              rp.json(v->approve(staffName(rq), rq.idParam("id")));
                          }),
           "Approve a window another admin asked for: it opens now; audited");
    r.post(
        "/api/v1/vendor/windows/{id}/close", admin,
        [v](Request& rq, Reply& rp) {
            input::noBody(rq);
            rp.json(v->close(staffName(rq), rq.idParam("id")));
        },
        "Close an open window (tunnel removed, vendor signed out) or cancel one awaiting approval; audited");
    // Not gated: closing is a security action wanted at any time.
    r.get(
        "/api/v1/vendor/activity", auditors,
        [v](Request& rq, Reply& rp) {
            const auto after = rq.queryInt("after", 0, INT64_MAX).value_or(0);
            const auto limit = rq.queryInt("limit", 1, 500).value_or(200);
            rp.json(v->activity(after, static_cast<int>(limit)));
        },
        "The vendor accounts' requests after a sequence number, oldest first (the page follows with it)");
}

}  // namespace medbox::console
