// medbox's systemd units (docs/console.md, "Units"): parse and render; the
// rules are in domain/Units.
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "core/time/IsoTime.h"

#include <Poco/JSON/Array.h>

namespace medbox::console {

namespace {

using systemd::TimePoint;

// ISO 8601 UTC with microseconds: systemd's timestamps are microseconds.
std::string isoMicros(TimePoint t) {
    return isoUtcMicros(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

Poco::Dynamic::Var optTime(const std::optional<TimePoint>& t) {
    return t ? Poco::Dynamic::Var(isoMicros(*t)) : Poco::Dynamic::Var();
}

template <class T>
Poco::Dynamic::Var opt(const std::optional<T>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var orNull(const std::string& s) { return s.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(s); }

Poco::JSON::Object::Ptr unitJson(const systemd::UnitStatus& s) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("name", s.name);
    o->set("description", displayText(s.description));
    o->set("loadState", s.loadState);
    o->set("activeState", s.activeState);
    o->set("subState", s.subState);
    o->set("unitFileState", orNull(s.unitFileState));
    o->set("activeSince", optTime(s.activeSince));
    o->set("mainPid", s.mainPid != 0 ? Poco::Dynamic::Var(s.mainPid) : Poco::Dynamic::Var());
    o->set("memoryBytes", opt(s.memoryBytes));
    o->set("restarts", opt(s.restarts));
    if (s.name.ends_with(".timer")) {
        o->set("nextElapse", optTime(s.nextElapse));
        o->set("lastTrigger", optTime(s.lastTrigger));
    }
    // The console refuses to stop or restart itself; a client can grey it out.
    o->set("self", Units::isSelf(s.name));
    return o;
}

}  // namespace

void Handlers::listUnits(Request&, Reply& reply) {
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    for (const auto& s : units_.list()) arr->add(unitJson(s));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("units", arr);
    reply.json(o);
}

void Handlers::getUnit(Request& req, Reply& reply) {
    const auto lines = req.queryInt("lines", 1, static_cast<int64_t>(Units::kMaxJournalLines))
                           .value_or(static_cast<int64_t>(Units::kDefaultJournalLines));
    const auto d = units_.get(req.param("name"), static_cast<std::size_t>(lines));
    auto o = unitJson(d.status);
    o->set("fragmentPath", orNull(d.status.fragmentPath));
    Poco::JSON::Array::Ptr journal = new Poco::JSON::Array;
    for (const auto& l : d.journal) {
        Poco::JSON::Object::Ptr j = new Poco::JSON::Object;
        j->set("time", isoMicros(l.time));
        j->set("identifier", l.identifier);
        j->set("pid", l.pid != 0 ? Poco::Dynamic::Var(static_cast<int64_t>(l.pid)) : Poco::Dynamic::Var());
        j->set("message", l.message);
        journal->add(j);
    }
    o->set("journal", journal);
    o->set("journalError", orNull(d.journalError));
    reply.json(o);
}

void Handlers::actOnUnit(Request& req, Reply& reply, UnitVerb verb) {
    input::noBody(req);
    const auto status = units_.act(req.actor(), verb, req.param("name"));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("action", verbName(verb));
    o->set("unit", unitJson(status));
    reply.json(o);
}

}  // namespace medbox::console
