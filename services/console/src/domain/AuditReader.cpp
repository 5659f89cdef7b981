#include "domain/AuditReader.h"

#include "core/error/AppError.h"
#include "core/time/IsoTime.h"

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>

namespace medbox::console {

namespace {

constexpr const char* kSelf = "console";

void add(std::string& q, const std::string& name, const std::string& value) {
    if (value.empty()) return;
    std::string enc;
    Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]%", enc);
    q += (q.empty() ? "?" : "&") + name + "=" + enc;
}

// The error message of a service's error answer, or a short excerpt.
std::string messageOf(const std::string& body) {
    try {
        Poco::JSON::Parser p;
        auto o = p.parse(body).extract<Poco::JSON::Object::Ptr>();
        auto e = o ? o->getObject("error") : nullptr;
        if (e) return e->optValue<std::string>("message", "");
    } catch (const Poco::Exception&) {
    }
    return body.substr(0, 120);
}

Poco::JSON::Object::Ptr parseObject(const std::string& service, const std::string& body) {
    try {
        Poco::JSON::Parser p;
        auto o = p.parse(body).extract<Poco::JSON::Object::Ptr>();
        if (o) return o;
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    throw AppError(Err::Unavailable, service + " answered something that is not its audit log");
}

}  // namespace

std::string auditQueryString(const AuditFilter& f, const std::string& format) {
    std::string q;
    if (f.afterSeq > 0) add(q, "after", std::to_string(f.afterSeq));
    if (f.newestFirst) add(q, "order", "desc");
    if (f.beforeSeq > 0) add(q, "before", std::to_string(f.beforeSeq));
    add(q, "limit", std::to_string(f.limit));
    add(q, "actor", f.actor);
    add(q, "action", f.actionPrefix);
    add(q, "target", f.target);
    add(q, "outcome", f.outcome);
    add(q, "q", f.text);
    if (f.sinceMs) add(q, "since", isoUtcMillis(*f.sinceMs));
    if (f.untilMs) add(q, "until", isoUtcMillis(*f.untilMs));
    if (format != "json") add(q, "format", format);
    return q;
}

AuditReader::AuditReader(ConsoleEnv& env, PeerStatus& peers) : env_(env), peers_(peers) {}

std::vector<std::string> AuditReader::services() const {
    std::vector<std::string> out{kSelf};
    for (const auto& [name, url] : env_.config.peerUrls) out.push_back(name);
    return out;
}

void AuditReader::requireKnown(const std::string& service) const {
    const auto all = services();
    if (std::find(all.begin(), all.end(), service) != all.end()) return;
    std::string list;
    for (const auto& s : all) list += (list.empty() ? "" : ", ") + s;
    throw AppError(Err::InvalidField, "service: one of " + list, "service");
}

std::string AuditReader::fetch(const std::string& service, const std::string& pathAndQuery, int timeoutSeconds) const {
    const auto r = peers_.get(service, pathAndQuery, timeoutSeconds);
    if (!r) throw AppError(Err::InvalidField, "service: " + service + " has no address configured", "service");
    if (r->status == 0) throw AppError(Err::Unavailable, service + " is not answering: " + r->error);
    if (r->status != 200) {
        throw AppError(Err::Unavailable,
                       service + " answered HTTP " + std::to_string(r->status) + ": " + messageOf(r->body));
    }
    return r->body;
}

AuditPage AuditReader::page(const std::string& service, const AuditFilter& f) const {
    requireKnown(service);
    AuditPage p;
    p.entries = new Poco::JSON::Array;
    if (service == kSelf) {
        const auto rows = env_.db.read([&](db::Connection& c) { return auditRows(c, f); });
        for (const auto& r : rows) p.entries->add(auditRowJson(r));
        if (static_cast<int>(rows.size()) == f.limit) (f.newestFirst ? p.nextBefore : p.nextAfter) = rows.back().seq;
        return p;
    }
    const auto o = parseObject(service,
                               fetch(service, "/api/v1/system/audit" + auditQueryString(f, "json"), kTimeoutSeconds));
    const auto entries = o->getArray("entries");
    if (!entries) throw AppError(Err::Unavailable, service + " answered something that is not its audit log");
    p.entries = entries;
    if (o->has("nextAfter") && !o->isNull("nextAfter")) p.nextAfter = o->getValue<int64_t>("nextAfter");
    if (o->has("nextBefore") && !o->isNull("nextBefore")) p.nextBefore = o->getValue<int64_t>("nextBefore");
    return p;
}

std::string AuditReader::csv(const std::string& service, const AuditFilter& f) const {
    requireKnown(service);
    if (service == kSelf) return auditCsv(env_.db.read([&](db::Connection& c) { return auditRows(c, f); }));
    return fetch(service, "/api/v1/system/audit" + auditQueryString(f, "csv"), kTimeoutSeconds);
}

ChainState AuditReader::chain(const std::string& service, int timeoutSeconds) const {
    requireKnown(service);
    ChainState c;
    c.service = service;
    try {
        if (service == kSelf) {
            const auto r = env_.audit.verify(env_.db);
            c.ok = r.ok;
            c.rows = r.rows;
            c.firstBadSeq = r.firstBadSeq;
            c.reason = r.reason;
        } else {
            const auto o = parseObject(service, fetch(service, "/api/v1/system/integrity?parts=audit", timeoutSeconds));
            const auto a = o->getObject("audit");
            if (!a) throw AppError(Err::Unavailable, service + " answered without its audit chain");
            c.ok = a->getValue<bool>("ok");
            c.rows = a->getValue<int64_t>("rows");
            c.firstBadSeq = a->optValue<int64_t>("firstBadSeq", 0);
            c.reason = a->optValue<std::string>("reason", "");
        }
        c.known = true;
    } catch (const AppError& e) {
        c.error = e.what();
    } catch (const std::exception& e) {
        c.error = std::string("unexpected answer: ") + e.what();
    }
    return c;
}

}  // namespace medbox::console
