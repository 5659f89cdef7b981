#pragma once
// The firewall page's rules (docs/console.md, "Firewall"): the running
// profile and its drops per zone, a draft validated by the firewall's own
// parser (appliance/firewall: the CLI's code, so the page and
// `medbox-firewall check` never disagree), the diff of the rendered
// rulesets, a dry run, and apply with automatic revert through the
// privileged helper: `medbox-firewall apply --confirm-within N`, kept only
// when a later request confirms it (a lock-out cannot); otherwise the
// previous ruleset comes back by itself. Every change is audited.
//
// Owned by the routes for the process lifetime; thread-safe (a mutex around
// the one pending apply the console knows of).
#include "domain/ConsoleEnv.h"
#include "domain/RulesetDiff.h"
#include "domain/SetupHelperClient.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace medbox::console {

class FirewallPage {
public:
    FirewallPage(ConsoleEnv& env, std::unique_ptr<SetupHelper> helper);

    // {active, appliedAt, appliedBy, running: {comment, drops, zones, windows} | null,
    //  pending: {confirmBefore, appliedBy} | null, confirmSeconds, lastOutcome}
    Poco::JSON::Object::Ptr state();
    // 400 invalid_field naming the first key path (every error in the
    // message); the profile's rendered ruleset otherwise.
    std::string validate(const Poco::JSON::Object::Ptr& profile) const;
    // The running profile's ruleset against the draft's.
    RulesetDiff diff(const Poco::JSON::Object::Ptr& profile);
    // `medbox-firewall check` (nft -c) through the helper: {valid, output}.
    Poco::JSON::Object::Ptr dryRun(const std::string& user, const Poco::JSON::Object::Ptr& profile);
    // {confirmBefore, confirmSeconds}; 409 while another change waits.
    Poco::JSON::Object::Ptr apply(const std::string& user, const Poco::JSON::Object::Ptr& profile, int seconds);
    // connectionOpenedAtMs: when the request's TCP connection was accepted
    // (0: unknown). A connection older than the apply is refused (409, field
    // "connection"): established connections survive a new ruleset, so only
    // a new one proves the admin can still get in.
    Poco::JSON::Object::Ptr confirm(const std::string& user, int64_t connectionOpenedAtMs = 0);
    Poco::JSON::Object::Ptr revert(const std::string& user);

    const int defaultConfirmSeconds;

private:
    struct Pending {
        std::string user{};
        int64_t appliedAtMs = 0;
        int64_t deadlineMs = 0;
        std::string digest{};
    };
    Poco::JSON::Object::Ptr helperState();
    // Audits the revert the firewall did by itself once the console sees it.
    void noticeAutoRevert(const Poco::JSON::Object::Ptr& helperState);
    void audit(const std::string& actor, const std::string& action, const Poco::JSON::Object::Ptr& detail,
               const std::string& outcome = "ok");

    ConsoleEnv& env_;
    std::unique_ptr<SetupHelper> helper_;
    std::mutex mutex_;
    std::optional<Pending> pending_;
    std::string lastOutcome_;  // "", "confirmed", "reverted", "reverted-by-admin"
};

}  // namespace medbox::console
