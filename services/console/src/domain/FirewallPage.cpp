#include "domain/FirewallPage.h"

#include "FirewallConfig.h"
#include "RulesetGenerator.h"
#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "core/util/Files.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

namespace medbox::console {

namespace {

using Poco::JSON::Object;

// A profile names a few dozen hosts; the firewall's own file limit is 256 KiB.
constexpr size_t kMaxProfileBytes = 64 * 1024;

std::string text(const Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out, 2);
    return out.str() + "\n";
}

Object::Ptr readApplied(const std::string& path) {
    std::ifstream in(path);
    if (!in) return nullptr;
    std::stringstream s;
    s << in.rdbuf();
    try {
        return Poco::JSON::Parser().parse(s.str()).extract<Object::Ptr>();
    } catch (const std::exception&) {
        return nullptr;
    }
}

}  // namespace

FirewallPage::FirewallPage(ConsoleEnv& env, std::unique_ptr<SetupHelper> helper)
    : defaultConfirmSeconds(env.config.firewallTime.confirmSeconds), env_(env), helper_(std::move(helper)) {}

std::string FirewallPage::validate(const Object::Ptr& profile) const {
    if (!profile) throw AppError(Err::MissingField, "profile: the draft profile is required", "profile");
    const auto json = text(profile);
    if (json.size() > kMaxProfileBytes)
        throw AppError(Err::PayloadTooLarge, "profile: at most " + std::to_string(kMaxProfileBytes) + " bytes",
                       "profile");
    const auto result = firewall::parseFirewallConfig(json);
    if (!result.ok()) {
        auto message = firewall::formatErrors(result.errors);
        while (!message.empty() && message.back() == '\n') message.pop_back();
        const auto& first = result.errors.front();
        throw AppError(Err::InvalidField, message, first.path.empty() ? "profile" : "profile." + first.path);
    }
    return firewall::renderRuleset(*result.config);
}

Object::Ptr FirewallPage::helperState() { return helper_->call("firewall-state", nullptr); }

void FirewallPage::noticeAutoRevert(const Object::Ptr& hs) {
    std::lock_guard lock(mutex_);
    if (!pending_ || !hs->isNull("pending") || env_.now() < pending_->deadlineMs) return;
    Object::Ptr d = new Object;
    d->set("appliedBy", pending_->user);
    d->set("deadline", isoUtc(pending_->deadlineMs));
    d->set("revertLog", hs->optValue<std::string>("revertLog", ""));
    pending_.reset();
    lastOutcome_ = "reverted";
    d->set("reason", "not confirmed in time: the previous ruleset came back by itself");
    audit("system:medbox-firewall", "firewall.revert", d);
}

Object::Ptr FirewallPage::state() {
    const auto hs = helperState();
    noticeAutoRevert(hs);
    Object::Ptr o = new Object;
    o->set("active", hs->get("active"));
    Poco::Dynamic::Var appliedAt, appliedBy;
    const auto applied = readApplied(env_.config.firewallTime.appliedFile);
    if (applied) {
        appliedAt = applied->get("at");
        appliedBy = applied->get("by");
    } else if (hs->has("activeModifiedMs") && !hs->isNull("activeModifiedMs")) {
        // Applied outside the console (the CLI, the wizard before this page).
        appliedAt = isoUtc(hs->getValue<int64_t>("activeModifiedMs"));
    }
    o->set("appliedAt", appliedAt);
    o->set("appliedBy", appliedBy);
    o->set("running", hs->get("status"));
    Poco::Dynamic::Var pending;
    if (!hs->isNull("pending")) {
        Object::Ptr p = new Object;
        const auto hp = hs->getObject("pending");
        p->set("confirmBefore", isoUtc(hp->getValue<int64_t>("deadlineMs")));
        std::lock_guard lock(mutex_);
        p->set("appliedBy", pending_ ? Poco::Dynamic::Var(pending_->user) : Poco::Dynamic::Var());
        pending = p;
    }
    o->set("pending", pending);
    o->set("confirmSeconds", defaultConfirmSeconds);
    std::lock_guard lock(mutex_);
    o->set("lastOutcome", lastOutcome_.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(lastOutcome_));
    return o;
}

RulesetDiff FirewallPage::diff(const Object::Ptr& profile) {
    const auto after = validate(profile);
    std::string before;
    const auto hs = helperState();
    if (const auto active = hs->getObject("active")) {
        const auto r = firewall::parseFirewallConfig(text(active));
        if (r.ok()) before = firewall::renderRuleset(*r.config);
    }
    return diffLines(before, after);
}

Object::Ptr FirewallPage::dryRun(const std::string& user, const Object::Ptr& profile) {
    validate(profile);
    Object::Ptr a = new Object;
    a->set("profile", profile);
    const auto r = helper_->call("firewall-check", a);
    Object::Ptr o = new Object;
    o->set("valid", r->optValue("valid", false));
    o->set("output", r->optValue<std::string>("output", ""));
    Object::Ptr d = new Object;
    d->set("valid", o->getValue<bool>("valid"));
    audit("staff:" + user, "firewall.check", d, o->getValue<bool>("valid") ? "ok" : "failed");
    return o;
}

Object::Ptr FirewallPage::apply(const std::string& user, const Object::Ptr& profile, int seconds) {
    validate(profile);
    const auto hs = helperState();
    noticeAutoRevert(hs);
    if (!hs->isNull("pending"))
        throw AppError(Err::Conflict, "another firewall change waits for confirmation: confirm or revert it first");
    Object::Ptr a = new Object;
    a->set("profile", profile);
    a->set("confirmSeconds", seconds);
    Object::Ptr d = new Object;
    d->set("confirmSeconds", seconds);
    d->set("model", profile->optValue<std::string>("model", ""));
    try {
        helper_->call("firewall-apply", a);
    } catch (const AppError& e) {
        d->set("error", std::string(e.what()));
        audit("staff:" + user, "firewall.apply", d, "failed");
        throw;
    }
    const int64_t deadline = env_.now() + seconds * 1000LL;
    {
        std::lock_guard lock(mutex_);
        pending_ = Pending{user, env_.now(), deadline, {}};
        lastOutcome_ = "pending";
    }
    d->set("confirmBefore", isoUtc(deadline));
    audit("staff:" + user, "firewall.apply", d);
    Object::Ptr o = new Object;
    o->set("confirmBefore", isoUtc(deadline));
    o->set("confirmSeconds", seconds);
    return o;
}

Object::Ptr FirewallPage::confirm(const std::string& user, int64_t connectionOpenedAtMs) {
    const auto hs = helperState();
    noticeAutoRevert(hs);
    if (hs->isNull("pending"))
        throw AppError(Err::Conflict,
                       "nothing waits for confirmation: the change was confirmed already, or its window passed and "
                       "the previous ruleset came back by itself");
    {
        std::lock_guard lock(mutex_);
        if (pending_ && connectionOpenedAtMs > 0 && connectionOpenedAtMs <= pending_->appliedAtMs)
            throw AppError(Err::Conflict,
                           "confirm from a new connection: this one was open before the apply, and open "
                           "connections survive a ruleset that locks new ones out",
                           "connection");
    }
    Object::Ptr d = new Object;
    try {
        helper_->call("firewall-confirm", nullptr);
    } catch (const AppError& e) {
        d->set("error", std::string(e.what()));
        audit("staff:" + user, "firewall.confirm", d, "failed");
        // A confirm after the deadline reverts at once (medbox-firewall, exit 1).
        throw AppError(Err::Conflict, std::string("not confirmed: ") + e.what());
    }
    Object::Ptr applied = new Object;
    applied->set("by", user);
    applied->set("at", isoUtc(env_.now()));
    files::writeAtomically(env_.config.firewallTime.appliedFile, text(applied), 0600);
    {
        std::lock_guard lock(mutex_);
        if (pending_) d->set("appliedBy", pending_->user);
        pending_.reset();
        lastOutcome_ = "confirmed";
    }
    audit("staff:" + user, "firewall.confirm", d);
    return state();
}

Object::Ptr FirewallPage::revert(const std::string& user) {
    const auto hs = helperState();
    if (hs->isNull("pending")) throw AppError(Err::Conflict, "nothing waits for confirmation: nothing to revert");
    Object::Ptr d = new Object;
    try {
        helper_->call("firewall-revert", nullptr);
    } catch (const AppError& e) {
        d->set("error", std::string(e.what()));
        audit("staff:" + user, "firewall.revert", d, "failed");
        throw;
    }
    {
        std::lock_guard lock(mutex_);
        pending_.reset();
        lastOutcome_ = "reverted-by-admin";
    }
    audit("staff:" + user, "firewall.revert", d);
    return state();
}

void FirewallPage::audit(const std::string& actor, const std::string& action, const Object::Ptr& detail,
                         const std::string& outcome) {
    env_.db.write([&](db::Tx& tx) {
        AuditEntry e;
        e.actor = actor;
        e.action = action;
        e.target = "firewall";
        std::ostringstream out;
        (detail ? detail : Object::Ptr(new Object))->stringify(out);
        e.detail = out.str();
        e.outcome = outcome;
        env_.effects.auditIn(tx, e);
    });
}

}  // namespace medbox::console
