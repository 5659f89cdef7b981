// Updates from the console (docs/update.md, "From the console"): admins
// upload a bundle in pieces, install it into the other slot and reboot;
// auditors read the slots and the last result. Changes wait for the setup
// wizard like every other change.
#include "UpdateRoutes.h"

#include "SetupGate.h"
#include "core/error/AppError.h"
#include "domain/ApplianceUpdate.h"
#include "domain/ConsoleEnv.h"
#include "domain/SetupHelperClient.h"
#include "handlers/Input.h"

#include <memory>

namespace medbox::console {

namespace {

const std::string& staffName(const Request& rq) {
    const auto& p = rq.principal();
    if (!p || p->kind != Principal::Kind::Staff) throw AppError(Err::Forbidden, "a staff token is required");
    return p->subject;
}

}  // namespace

void registerUpdateRoutes(Router& r, ConsoleEnv& env) {
    const auto& cfg = env.config.setup;
    auto update = std::make_shared<ApplianceUpdate>(env, std::shared_ptr<SetupHelper>(socketHelper(cfg.helperSocket)),
                                                    std::shared_ptr<SetupHelper>(
                                                        socketHelper(cfg.helperSocket, cfg.updateInstallSeconds)),
                                                    cfg.updateBundle, cfg.updateMaxBytes, cfg.updateBootIdFile);
    const auto admin = Access::staff({"admin"});
    const auto auditors = Access::staff({"auditor", "admin"});
    const auto gated = [&env](Handler h) { return untilSetupDone(env, std::move(h)); };

    r.get(
        "/api/v1/appliance/update", auditors, [update](Request&, Reply& rp) { rp.json(update->state()); },
        "The A/B root slots as RAUC reports them, the upload, the running or last install and how its reboot went");
    r.put("/api/v1/appliance/update/bundle", admin, gated([update](Request& rq, Reply& rp) {
              // Raw bytes, one piece of at most http.max_body_bytes per request.
              if (rq.header("Content-Type") != "application/octet-stream")
                  throw AppError(Err::UnsupportedMedia, "Content-Type must be application/octet-stream");
              const auto offset = rq.queryInt("offset", 0, int64_t{64} << 30);
              if (!offset) throw AppError(Err::MissingField, "offset is required");
              rp.json(update->receive(*offset, rq.body()));
          }),
          "One piece of an update bundle (raw bytes) at ?offset=N; offset 0 starts a new upload");
    r.post("/api/v1/appliance/update/bundle/done", admin, gated([update](Request& rq, Reply& rp) {
               auto body = rq.json();
               body.allowOnly({"size"});
               rp.json(update->finishUpload(staffName(rq), body.integer("size", 1, int64_t{64} << 30)));
           }),
           "The upload is whole at size bytes: it becomes the bundle to install (audited)");
    r.post(
        "/api/v1/appliance/update/install", admin, gated([update](Request& rq, Reply& rp) {
            input::noBody(rq);
            rp.json(update->install(staffName(rq)));
        }),
        "Install the uploaded bundle into the other slot through the setup helper and RAUC (audited); poll the state");
    r.post("/api/v1/appliance/update/reboot", admin, gated([update](Request& rq, Reply& rp) {
               input::noBody(rq);
               rp.json(update->reboot(staffName(rq)));
           }),
           "Reboot into the slot installed since this boot (audited)");
}

}  // namespace medbox::console
