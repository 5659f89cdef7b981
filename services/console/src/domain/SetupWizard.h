#pragma once
// The first-boot setup wizard (docs/console.md, "Setup wizard"): what a
// hospital's IT person goes through after the first sign-in on a freshly
// installed appliance, one step at a time, kept in the console's database
// (a reload or a second admin continues where it stopped), every step
// audited. Until it is completed the console refuses every other change
// (untilSetupDone in SetupGate.h).
//
// Steps, in order: admin (the signed-in admin has a strong password, changed
// from the one-time one, and TOTP on), hostname, hospital (its name), time
// (NTP servers), network (per NIC role of the hardware profile), certificate
// (keep the self-signed one, or upload a certificate and key; a CSR for the
// hospital's CA on the side), firewall (front-end server or gap, the HIS/LIS
// hosts and ports). Then apply: the privileged helper writes hostname,
// timesyncd and networkd files and applies the firewall with
// --confirm-within; confirm (a new request within the window) keeps the
// firewall, reloads the network and enables the services. Without confirm
// the old ruleset comes back by itself and apply may be run again.
//
// Owned by the routes for the process lifetime; thread-safe (every call is
// one database transaction plus helper calls).
#include "core/http/JsonBody.h"
#include "domain/ConsoleEnv.h"
#include "domain/SetupHelperClient.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <vector>

namespace medbox::console {

// A NIC of the hardware profile, as the image named it (10-medbox-<name>.link).
struct SetupNic {
    std::string name;  // lan0, mgmt0, ...
    std::string role;  // lan, mgmt, ...
    bool management = false;
};

class SetupWizard {
public:
    static const std::vector<std::string>& stepNames();

    SetupWizard(ConsoleEnv& env, std::unique_ptr<SetupHelper> helper);

    // Before the first admin is made: arms the wizard on a fresh database
    // when console.setup_wizard says so (auto: the admin gets a random
    // one-time password, i.e. an installed appliance). Idempotent.
    static void armIfFresh(ConsoleEnv& env);
    // Armed and not completed: the console takes only the wizard's changes.
    static bool pending(ConsoleEnv& env);

    // {required, completed, completedAt, completedBy, next, confirmBefore,
    //  steps: [{name, done, savedBy, savedAt, data}], nics: [...], certificate: {...}}
    Poco::JSON::Object::Ptr state() const;
    std::vector<SetupNic> nics() const;

    // Validates and saves one step's answer (400 naming the field otherwise);
    // `username` is the signed-in admin (the admin step checks that account).
    Poco::JSON::Object::Ptr saveStep(const std::string& username, const std::string& step, const JsonBody& body);
    // A CSR for the hostname step's name plus `names`; its key stays on the
    // appliance and is used when the signed certificate comes back without one.
    std::string makeCsr(const std::string& username, const std::vector<std::string>& names);
    // 409 naming the first unsaved step; else runs the helper and opens the
    // confirm window: {confirmBefore}.
    Poco::JSON::Object::Ptr apply(const std::string& username);
    // 409 when nothing was applied or the window has passed.
    Poco::JSON::Object::Ptr confirm(const std::string& username);

private:
    Poco::JSON::Object::Ptr validate(const std::string& username, const std::string& step, const JsonBody& body);
    Poco::JSON::Object::Ptr validateNetwork(const JsonBody& body) const;
    Poco::JSON::Object::Ptr validateCertificate(const JsonBody& body);
    Poco::JSON::Object::Ptr validateFirewall(const JsonBody& body) const;
    Poco::JSON::Object::Ptr firewallProfile(const Poco::JSON::Object::Ptr& answer) const;
    void requireOpen() const;
    void audit(const std::string& username, const std::string& action, const std::string& target,
               const Poco::JSON::Object::Ptr& detail, const std::string& outcome = "ok");

    ConsoleEnv& env_;
    std::unique_ptr<SetupHelper> helper_;
};

}  // namespace medbox::console
