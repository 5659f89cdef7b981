// The firewall page (/firewall.html) and the time panel (/time.html): their
// API (docs/console.md, "Firewall" and "Time"). Auditors read, admins
// change; changes wait for the setup wizard like every other.
#include "FirewallTimeRoutes.h"

#include "SetupGate.h"
#include "core/error/AppError.h"
#include "core/time/IsoTime.h"
#include "domain/ConsoleEnv.h"
#include "domain/FirewallPage.h"
#include "domain/SetupRules.h"
#include "domain/TimeStatus.h"
#include "handlers/Input.h"

#include <Poco/JSON/Array.h>

#include <memory>

namespace medbox::console {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const std::string& staffName(const Request& rq) {
    const auto& p = rq.principal();
    if (!p || p->kind != Principal::Kind::Staff) throw AppError(Err::Forbidden, "a staff token is required");
    return p->subject;
}

// {"profile": {...}} and, for apply, an optional confirmSeconds.
Object::Ptr profileOf(const JsonBody& body) {
    if (!body.has("profile")) throw AppError(Err::MissingField, "profile: the draft profile is required", "profile");
    const auto p = body.raw()->getObject("profile");
    if (!p) throw AppError(Err::InvalidField, "profile: must be an object", "profile");
    return p;
}

template <class T>
Poco::Dynamic::Var opt(const std::optional<T>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Array::Ptr toArray(const std::vector<std::string>& v) {
    Array::Ptr a = new Array;
    for (const auto& s : v) a->add(s);
    return a;
}

Object::Ptr timeJson(const TimeStatus& s) {
    Object::Ptr o = new Object;
    o->set("available", s.available);
    o->set("error", s.error.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s.error));
    o->set("ntpEnabled", s.ntpEnabled);
    o->set("synchronized", s.synchronized);
    o->set("timezone", s.timezone);
    o->set("systemServers", toArray(s.systemServers));
    o->set("fallbackServers", toArray(s.fallbackServers));
    o->set("linkServers", toArray(s.linkServers));
    o->set("server", s.server.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s.server));
    o->set("stratum", opt(s.stratum));
    o->set("offsetUs", opt(s.offsetUs));
    o->set("delayUs", opt(s.delayUs));
    o->set("jitterUs", opt(s.jitterUs));
    o->set("pollIntervalUs", opt(s.pollIntervalUs));
    o->set("packetCount", opt(s.packetCount));
    o->set("lastSync", s.lastSyncMs ? Poco::Dynamic::Var(isoUtc(*s.lastSyncMs)) : Poco::Dynamic::Var());
    o->set("warning", s.available && s.warning());
    return o;
}

}  // namespace

void registerFirewallTimeRoutes(Router& r, ConsoleEnv& env) {
    auto page = std::make_shared<FirewallPage>(env, socketHelper(env.config.setup.helperSocket));
    auto timeHelper = std::shared_ptr<SetupHelper>(socketHelper(env.config.setup.helperSocket));
    const auto admin = Access::staff({"admin"});
    const auto auditors = Access::staff({"auditor", "admin"});
    const auto gated = [&env](Handler h) { return untilSetupDone(env, std::move(h)); };

    r.get(
        "/api/v1/appliance/firewall", auditors, [page](Request&, Reply& rp) { rp.json(page->state()); },
        "The running firewall profile, who applied it and when, drops per zone, a change waiting for confirmation");
    r.post(
        "/api/v1/appliance/firewall/diff", auditors,
        [page](Request& rq, Reply& rp) {
            const auto body = rq.json();
            body.allowOnly({"profile"});
            const auto d = page->diff(profileOf(body));
            Array::Ptr lines = new Array;
            for (const auto& l : d.lines) {
                Object::Ptr j = new Object;
                j->set("op", std::string(1, l.op));
                j->set("text", l.text);
                lines->add(j);
            }
            Object::Ptr o = new Object;
            o->set("lines", lines);
            o->set("added", d.added);
            o->set("removed", d.removed);
            rp.json(o);
        },
        "Validate a draft profile (400 naming the key path) and diff its ruleset against the running profile's");
    r.post(
        "/api/v1/appliance/firewall/check", admin,
        [page](Request& rq, Reply& rp) {
            const auto body = rq.json();
            body.allowOnly({"profile"});
            rp.json(page->dryRun(staffName(rq), profileOf(body)));
        },
        "Dry-run a draft profile with nftables (nft -c) through the privileged helper (audited)");
    r.post("/api/v1/appliance/firewall/apply", admin, gated([page](Request& rq, Reply& rp) {
               const auto body = rq.json();
               body.allowOnly({"profile", "confirmSeconds"});
               const auto seconds = body.optInteger("confirmSeconds", 10, 600).value_or(page->defaultConfirmSeconds);
               rp.json(page->apply(staffName(rq), profileOf(body), static_cast<int>(seconds)));
           }),
           "Apply a draft profile; it stays only if confirmed by a later request before confirmBefore (audited)");
    r.post("/api/v1/appliance/firewall/confirm", admin, gated([page](Request& rq, Reply& rp) {
               input::noBody(rq);
               try {
                   rp.json(page->confirm(staffName(rq), rq.connectionOpenedAtMs()));
               } catch (const AppError& e) {
                   if (e.field() != "connection") throw;
                   // Close this old connection: the client's next try has to open
                   // a new one, which the new ruleset must let through.
                   rp.status(409);
                   rp.rawJson(errorJson(e.err(), e.what(), e.field()));
                   rp.header("Connection", "close");
               }
           }),
           "Keep the change waiting for confirmation: saved as the profile loaded at boot (audited)");
    r.post("/api/v1/appliance/firewall/revert", admin, gated([page](Request& rq, Reply& rp) {
               input::noBody(rq);
               rp.json(page->revert(staffName(rq)));
           }),
           "Put the ruleset from before the waiting change back now (audited)");

    r.get(
        "/api/v1/appliance/time", auditors,
        [&env](Request&, Reply& rp) {
            const auto& c = env.config.firewallTime;
            rp.json(timeJson(readTimeStatus(c.timedatectl, c.syncFile)));
        },
        "NTP state: synchronised, the server in use, stratum, offset, poll interval, last sync, configured servers");
    r.put("/api/v1/appliance/time/servers", admin, gated([&env, timeHelper](Request& rq, Reply& rp) {
              const auto body = rq.json();
              body.allowOnly({"servers"});
              const auto servers = input::strings(body, "servers", 5, 253);
              if (servers.empty()) throw AppError(Err::InvalidField, "servers: at least one time server", "servers");
              for (size_t i = 0; i < servers.size(); ++i)
                  if (const auto why = setup::checkNtpServer(servers[i]); !why.empty())
                      throw AppError(Err::InvalidField, "servers[" + std::to_string(i) + "]: " + why,
                                     "servers[" + std::to_string(i) + "]");
              Object::Ptr a = new Object;
              a->set("servers", toArray(servers));
              Object::Ptr d = new Object;
              d->set("servers", toArray(servers));
              std::string outcome = "ok";
              try {
                  timeHelper->call("time", a);
              } catch (const AppError& e) {
                  d->set("error", std::string(e.what()));
                  outcome = "failed";
              }
              env.db.write([&](db::Tx& tx) {
                  std::ostringstream text;
                  d->stringify(text);
                  env.effects.auditIn(tx, {"staff:" + staffName(rq), "time.servers", "time", outcome, text.str()});
              });
              if (outcome != "ok") throw AppError(Err::UnitFailed, d->getValue<std::string>("error"));
              Object::Ptr o = new Object;
              o->set("servers", toArray(servers));
              rp.json(o);
          }),
          "Set the NTP servers (through the setup helper's time verb; audited)");
}

}  // namespace medbox::console
