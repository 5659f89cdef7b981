// The first-boot setup wizard's API (docs/console.md, "Setup wizard"). Every
// route is for admins: reading the state too (it names NICs and addresses).
#include "SetupRoutes.h"

#include "core/error/AppError.h"
#include "domain/SetupWizard.h"
#include "handlers/Input.h"

#include <memory>

namespace medbox::console {

namespace {

const std::string& adminName(const Request& rq) {
    const auto& p = rq.principal();
    if (!p || p->kind != Principal::Kind::Staff) throw AppError(Err::Forbidden, "a staff token is required");
    return p->subject;
}

}  // namespace

void registerSetupRoutes(Router& r, ConsoleEnv& env) {
    auto wizard = std::make_shared<SetupWizard>(env, socketHelper(env.config.setup.helperSocket));
    const auto admin = Access::staff({"admin"});

    r.get(
        "/api/v1/setup", admin, [wizard](Request&, Reply& rp) { rp.json(wizard->state()); },
        "The setup wizard's state: each step's saved answer, the NICs, the current certificate");
    r.put(
        "/api/v1/setup/steps/{step}", admin,
        [wizard](Request& rq, Reply& rp) {
            // The admin step takes no body: it checks the caller's account.
            const auto body = rq.body().empty() ? JsonBody(new Poco::JSON::Object) : rq.json();
            rp.json(wizard->saveStep(adminName(rq), rq.param("step"), body));
        },
        "Validate and save one step's answer (audited)");
    r.post(
        "/api/v1/setup/csr", admin,
        [wizard](Request& rq, Reply& rp) {
            auto body = rq.body().empty() ? JsonBody(new Poco::JSON::Object) : rq.json();
            body.allowOnly({"names"});
            const auto names = body.has("names") ? input::strings(body, "names", 8, 253) : std::vector<std::string>{};
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("csr", wizard->makeCsr(adminName(rq), names));
            rp.json(o);
        },
        "A certificate signing request for the appliance's host name (the key stays on the appliance)");
    r.post(
        "/api/v1/setup/apply", admin,
        [wizard](Request& rq, Reply& rp) {
            input::noBody(rq);
            rp.json(wizard->apply(adminName(rq)));
        },
        "Apply every saved step; the firewall stays only if confirmed before confirmBefore");
    r.post(
        "/api/v1/setup/confirm", admin,
        [wizard](Request& rq, Reply& rp) {
            input::noBody(rq);
            rp.json(wizard->confirm(adminName(rq)));
        },
        "Keep the applied firewall, bring up the network and enable the services: setup is done");
}

}  // namespace medbox::console
