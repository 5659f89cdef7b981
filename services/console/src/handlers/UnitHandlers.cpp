// medbox's systemd units (docs/console.md, "Units"): parse and render; the
// rules are in domain/Units.
#include "handlers/Handlers.h"
#include "handlers/Input.h"
#include "core/error/AppError.h"
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

Poco::JSON::Array::Ptr linesJson(const std::vector<systemd::JournalLine>& lines) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& l : lines) {
        Poco::JSON::Object::Ptr j = new Poco::JSON::Object;
        j->set("time", isoMicros(l.time));
        j->set("priority", l.priority);
        j->set("identifier", l.identifier);
        j->set("pid", l.pid != 0 ? Poco::Dynamic::Var(static_cast<int64_t>(l.pid)) : Poco::Dynamic::Var());
        j->set("message", l.message);
        j->set("cursor", l.cursor);
        out->add(j);
    }
    return out;
}

// An optional instant from the query string (ISO 8601 with Z or an offset).
std::optional<TimePoint> queryTime(const Request& req, const std::string& name) {
    const auto us = req.queryInstantUs(name);
    if (!us) return std::nullopt;
    return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::microseconds(*us)));
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
    o->set("journal", linesJson(d.journal));
    o->set("journalError", orNull(d.journalError));
    reply.json(o);
}

void Handlers::unitJournal(Request& req, Reply& reply) {
    systemd::JournalQuery q;
    q.maxPriority = static_cast<int>(req.queryInt("priority", 0, 7).value_or(7));
    q.since = queryTime(req, "since");
    q.until = queryTime(req, "until");
    q.text = req.query("q").value_or("");
    if (q.text.size() > Units::kMaxJournalText) {
        throw AppError(Err::InvalidField, "q: at most " + std::to_string(Units::kMaxJournalText) + " bytes", "q");
    }
    q.limit = static_cast<std::size_t>(req.queryInt("limit", 1, static_cast<int64_t>(Units::kMaxJournalLines))
                                           .value_or(static_cast<int64_t>(Units::kDefaultJournalPage)));
    q.before = req.query("before").value_or("");
    q.after = req.query("after").value_or("");
    const auto j = units_.journal(req.param("name"), std::move(q));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("lines", linesJson(j.page.lines));
    o->set("more", j.page.more);
    o->set("scanLimited", j.page.scanLimited);
    o->set("resumeCursor", orNull(j.page.resumeCursor));
    o->set("journalError", orNull(j.journalError));
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
