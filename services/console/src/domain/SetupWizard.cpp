#include "domain/SetupWizard.h"

#include "core/error/AppError.h"
#include "core/net/Tls.h"
#include "core/time/IsoTime.h"
#include "core/util/Files.h"
#include "domain/AccountRules.h"
#include "domain/SetupRules.h"
#include "store/SetupStore.h"
#include "store/UserStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace medbox::console {

namespace {

namespace fs = std::filesystem;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string toText(const Object::Ptr& o) {
    std::ostringstream s;
    o->stringify(s);
    return s.str();
}

Object::Ptr parseObject(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Object::Ptr>(); }

[[noreturn]] void invalid(const std::string& field, const std::string& why) {
    throw AppError(Err::InvalidField, field + " " + why, field);
}

void check(const std::string& why, const std::string& field) {
    if (!why.empty()) invalid(field, why);
}

// An array of strings from the body (each 1..maxLen bytes).
std::vector<std::string> strings(const JsonBody& body, const std::string& field, size_t minItems, size_t maxItems,
                                 size_t maxLen) {
    std::vector<std::string> out;
    if (!body.has(field)) {
        if (minItems > 0) throw AppError(Err::MissingField, body.path(field) + " is required", body.path(field));
        return out;
    }
    const auto arr = body.array(field, maxItems);
    for (size_t i = 0; i < arr->size(); ++i) {
        const auto name = body.path(field) + "[" + std::to_string(i) + "]";
        const auto& v = arr->get(static_cast<unsigned>(i));
        if (!v.isString()) invalid(name, "must be a string");
        auto s = v.extract<std::string>();
        if (s.empty() || s.size() > maxLen) invalid(name, "must be 1.." + std::to_string(maxLen) + " bytes");
        out.push_back(std::move(s));
    }
    if (out.size() < minItems) invalid(body.path(field), "needs at least " + std::to_string(minItems) + " entries");
    return out;
}

Array::Ptr toArray(const std::vector<std::string>& v) {
    Array::Ptr a = new Array;
    for (const auto& s : v) a->add(s);
    return a;
}

std::vector<int64_t> ports(const JsonBody& body, const std::string& field, size_t maxItems) {
    std::vector<int64_t> out;
    const auto arr = body.array(field, maxItems);
    for (size_t i = 0; i < arr->size(); ++i) {
        const auto name = body.path(field) + "[" + std::to_string(i) + "]";
        const auto& v = arr->get(static_cast<unsigned>(i));
        if (!v.isInteger()) invalid(name, "must be a port number");
        const auto p = v.convert<int64_t>();
        check(setup::checkPort(p), name);
        out.push_back(p);
    }
    if (out.empty()) invalid(body.path(field), "needs at least one port");
    return out;
}

// Pending files beside the live certificate, installed by apply.
std::string pendingOf(const std::string& file) { return file + ".wizard"; }
std::string csrKeyOf(const std::string& keyFile) { return keyFile + ".csr-key"; }

std::string readFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return {};
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
    return out;
}

}  // namespace

const std::vector<std::string>& SetupWizard::stepNames() {
    static const std::vector<std::string> steps{"admin",   "hostname",    "hospital", "time",
                                                "network", "certificate", "firewall"};
    return steps;
}

SetupWizard::SetupWizard(ConsoleEnv& env, std::unique_ptr<SetupHelper> helper)
    : env_(env), helper_(std::move(helper)) {}

void SetupWizard::armIfFresh(ConsoleEnv& env) {
    const auto& mode = env.config.setup.mode;
    const bool wanted = mode == "required" || (mode == "auto" && env.config.bootstrapAdminPassword.empty());
    if (!wanted) return;
    env.db.write([&](db::Tx& tx) {
        if (store::countUsers(tx.conn()) != 0) return;  // not a fresh appliance
        if (store::setupRow(tx.conn())) return;
        store::armSetup(tx.conn(), env.now());
        env.effects.auditIn(tx, "system", "setup.armed", "setup", std::string("{}"));
    });
}

bool SetupWizard::pending(ConsoleEnv& env) {
    // "off" also lifts a wizard armed earlier: whoever can edit the console's
    // settings set the appliance up another way (root on the box anyway).
    if (env.config.setup.mode == "off") return false;
    const auto row = env.db.read([](db::Connection& c) { return store::setupRow(c); });
    return row && !row->completedAtMs;
}

std::vector<SetupNic> SetupWizard::nics() const {
    // The image says which NIC is the management one (management.env).
    std::string management;
    std::istringstream env(readFile(env_.config.setup.managementEnv));
    for (std::string line; std::getline(env, line);)
        if (line.starts_with("MEDBOX_MANAGEMENT_NIC=")) management = line.substr(22);
    std::vector<SetupNic> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(env_.config.setup.linkDir, ec)) {
        const auto file = entry.path().filename().string();
        if (!file.starts_with("10-medbox-") || !file.ends_with(".link")) continue;
        SetupNic nic;
        nic.name = file.substr(10, file.size() - 10 - 5);
        const auto digits = nic.name.find_last_not_of("0123456789");
        if (nic.name.empty() || digits == std::string::npos) continue;
        nic.role = nic.name.substr(0, digits + 1);
        nic.management = management.empty() ? nic.role == "mgmt" : nic.name == management;
        out.push_back(nic);
    }
    // The management NIC first: the one the admin is connected through.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.management != b.management ? a.management : a.name < b.name;
    });
    return out;
}

Object::Ptr SetupWizard::state() const {
    const auto [row, steps] = env_.db.read(
        [](db::Connection& c) { return std::make_pair(store::setupRow(c), store::setupSteps(c)); });
    Object::Ptr o = new Object;
    o->set("required", row.has_value());
    o->set("completed", row && row->completedAtMs.has_value());
    o->set("completedAt",
           row && row->completedAtMs ? Poco::Dynamic::Var(isoUtc(*row->completedAtMs)) : Poco::Dynamic::Var());
    o->set("completedBy", row && row->completedAtMs ? Poco::Dynamic::Var(row->completedBy) : Poco::Dynamic::Var());
    const bool applying = row && row->applyDeadlineMs && *row->applyDeadlineMs > env_.now();
    o->set("confirmBefore", applying ? Poco::Dynamic::Var(isoUtc(*row->applyDeadlineMs)) : Poco::Dynamic::Var());
    Array::Ptr list = new Array;
    std::string next;
    for (const auto& name : stepNames()) {
        Object::Ptr s = new Object;
        s->set("name", name);
        const auto it = std::find_if(steps.begin(), steps.end(), [&](const auto& r) { return r.step == name; });
        s->set("done", it != steps.end());
        if (it != steps.end()) {
            s->set("savedBy", it->savedBy);
            s->set("savedAt", isoUtc(it->savedAtMs));
            s->set("data", parseObject(it->data));
        } else if (next.empty()) {
            next = name;
        }
        list->add(s);
    }
    o->set("steps", list);
    o->set("next", next.empty() ? Poco::Dynamic::Var(std::string("apply")) : Poco::Dynamic::Var(next));
    Array::Ptr nicList = new Array;
    for (const auto& n : nics()) {
        Object::Ptr j = new Object;
        j->set("name", n.name);
        j->set("role", n.role);
        j->set("management", n.management);
        nicList->add(j);
    }
    o->set("nics", nicList);
    // The certificate served now: what "keep the self-signed one" keeps.
    Object::Ptr cert = new Object;
    if (const auto info = tls::readCertificate(env_.config.setup.certFile)) {
        cert->set("sha256", info->sha256);
        cert->set("notAfter", isoUtc(info->notAfterMs));
        cert->set("selfSigned", info->selfSigned);
    }
    o->set("certificate", cert);
    return o;
}

void SetupWizard::requireOpen() const {
    const auto row = env_.db.read([](db::Connection& c) { return store::setupRow(c); });
    if (!row) throw AppError(Err::Conflict, "this appliance has no setup wizard to run (it was set up before)");
    if (row->completedAtMs) throw AppError(Err::Conflict, "setup is already completed");
}

void SetupWizard::audit(const std::string& username, const std::string& action, const std::string& target,
                        const Object::Ptr& detail, const std::string& outcome) {
    env_.db.write([&](db::Tx& tx) {
        env_.effects.auditIn(tx, {"staff:" + username, action, target, outcome, detail ? toText(detail) : "{}"});
    });
}

Object::Ptr SetupWizard::saveStep(const std::string& username, const std::string& step, const JsonBody& body) {
    if (std::find(stepNames().begin(), stepNames().end(), step) == stepNames().end())
        throw AppError(Err::NotFound, "no setup step " + step);
    requireOpen();
    const auto data = validate(username, step, body);
    env_.db.write([&](db::Tx& tx) {
        store::saveSetupStep(tx.conn(), {step, toText(data), username, env_.now()});
        Object::Ptr d = new Object;
        d->set("step", step);
        env_.effects.auditIn(tx, "staff:" + username, "setup.step", "setup:" + step, d);
    });
    return state();
}

Object::Ptr SetupWizard::validate(const std::string& username, const std::string& step, const JsonBody& body) {
    Object::Ptr d = new Object;
    if (step == "admin") {
        body.allowOnly({});
        const auto user = env_.db.read([&](db::Connection& c) { return store::findUserByName(c, username); });
        if (!user || !user->hasRole("admin")) throw AppError(Err::Forbidden, "only an admin account passes this step");
        if (user->mustChangePassword)
            throw AppError(Err::Conflict, "change the one-time password first (POST /api/v1/auth/password)");
        if (!user->totpEnabled)
            throw AppError(Err::Conflict,
                           "turn on the second factor (TOTP) for " + username +
                               " first: POST /api/v1/auth/totp/enroll, then /api/v1/auth/totp/confirm",
                           "totp");
        d->set("admin", username);
        d->set("totp", true);
    } else if (step == "hostname") {
        body.allowOnly({"hostname"});
        const auto name = body.str("hostname", 253);
        check(setup::checkHostname(name), "hostname");
        std::string lower = rules::asciiLower(name);
        d->set("hostname", lower);
    } else if (step == "hospital") {
        body.allowOnly({"name"});
        const auto name = body.str("name", 400);
        check(rules::checkText(name, 100, false), "name");
        d->set("name", name);
    } else if (step == "time") {
        body.allowOnly({"servers"});
        const auto servers = strings(body, "servers", 1, 5, 253);
        for (size_t i = 0; i < servers.size(); ++i)
            check(setup::checkNtpServer(servers[i]), "servers[" + std::to_string(i) + "]");
        d->set("servers", toArray(servers));
    } else if (step == "network") {
        d = validateNetwork(body);
    } else if (step == "certificate") {
        d = validateCertificate(body);
    } else if (step == "firewall") {
        d = validateFirewall(body);
    }
    return d;
}

Object::Ptr SetupWizard::validateNetwork(const JsonBody& body) const {
    body.allowOnly({"interfaces"});
    const auto known = nics();
    const auto arr = body.array("interfaces", 16);
    if (arr->size() == 0) invalid("interfaces", "needs at least one NIC");
    Array::Ptr out = new Array;
    std::set<std::string> seen;
    for (size_t i = 0; i < arr->size(); ++i) {
        const std::string at = "interfaces[" + std::to_string(i) + "]";
        const auto& v = arr->get(static_cast<unsigned>(i));
        if (v.type() != typeid(Object::Ptr)) invalid(at, "must be an object");
        JsonBody nic(v.extract<Object::Ptr>(), at);
        nic.allowOnly({"name", "mode", "address", "gateway", "dns"});
        const auto name = nic.str("name", 15);
        const auto it = std::find_if(known.begin(), known.end(), [&](const auto& n) { return n.name == name; });
        if (it == known.end()) invalid(at + ".name", "is not a NIC of this appliance's hardware profile");
        if (!seen.insert(name).second) invalid(at + ".name", "is listed twice");
        Object::Ptr o = new Object;
        o->set("name", name);
        o->set("role", it->role);
        o->set("management", it->management);
        const auto mode = nic.oneOf("mode", {"dhcp", "static"});
        o->set("mode", mode);
        if (mode == "static") {
            const auto address = nic.str("address", 60);
            check(setup::checkInterfaceCidr(address), at + ".address");
            o->set("address", address);
            if (const auto gw = nic.optStr("gateway", 45); gw && !gw->empty()) {
                check(setup::checkGatewayIn(*gw, address), at + ".gateway");
                o->set("gateway", *gw);
            }
            const auto dns = strings(nic, "dns", 0, 3, 45);
            for (size_t k = 0; k < dns.size(); ++k)
                check(setup::checkAddress(dns[k]), at + ".dns[" + std::to_string(k) + "]");
            o->set("dns", toArray(dns));
        } else if (nic.has("address") || nic.has("gateway") || nic.has("dns")) {
            invalid(at + ".mode", "is dhcp: leave out address, gateway and dns");
        }
        out->add(o);
    }
    Object::Ptr d = new Object;
    d->set("interfaces", out);
    return d;
}

Object::Ptr SetupWizard::validateCertificate(const JsonBody& body) {
    const auto& cfg = env_.config.setup;
    const auto mode = body.oneOf("mode", {"self-signed", "upload"});
    Object::Ptr d = new Object;
    d->set("mode", mode);
    if (mode == "self-signed") {
        body.allowOnly({"mode"});
        const auto info = tls::readCertificate(cfg.certFile);
        if (!info) throw AppError(Err::Conflict, "the console's certificate cannot be read: " + cfg.certFile);
        d->set("sha256", info->sha256);
        d->set("notAfter", isoUtc(info->notAfterMs));
        std::error_code ec;
        fs::remove(pendingOf(cfg.certFile), ec);
        fs::remove(pendingOf(cfg.keyFile), ec);
        return d;
    }
    body.allowOnly({"mode", "certificate", "key"});
    const auto certPem = body.str("certificate", 32 * 1024);
    // Without a key: the one made with the CSR.
    std::string keyPem = body.optStr("key", 16 * 1024).value_or("");
    if (keyPem.empty()) keyPem = readFile(csrKeyOf(cfg.keyFile));
    if (keyPem.empty()) throw AppError(Err::MissingField, "key is required (no CSR was made here)", "key");
    std::string hostname;
    for (const auto& s : env_.db.read([](db::Connection& c) { return store::setupSteps(c); }))
        if (s.step == "hostname") hostname = parseObject(s.data)->getValue<std::string>("hostname");
    const auto r = setup::checkCertificateAndKey(certPem, keyPem, hostname, env_.now() / 1000);
    if (!r.error.empty()) invalid(r.field, r.error);
    files::writeAtomically(pendingOf(cfg.certFile), certPem, 0600);
    files::writeAtomically(pendingOf(cfg.keyFile), keyPem, 0600);
    d->set("sha256", r.sha256);
    d->set("subject", r.subject);
    d->set("names", toArray(r.names));
    d->set("notAfter", r.notAfter);
    return d;
}

Object::Ptr SetupWizard::validateFirewall(const JsonBody& body) const {
    const auto model = body.oneOf("model", {"frontend", "gap"});
    // Both models put the portal on a DMZ NIC and the console on a
    // management NIC of their own (docs/firewall.md).
    const auto known = nics();
    for (const auto& [what, has] :
         {std::pair{"a DMZ NIC (role dmz)",
                    std::any_of(known.begin(), known.end(), [](const auto& n) { return n.role == "dmz"; })},
          std::pair{"a management NIC of its own", std::any_of(known.begin(), known.end(), [](const auto& n) {
                        return n.management && n.role != "lan";
                    })}})
        if (!has)
            throw AppError(Err::Conflict,
                           std::string("this hardware profile has no ") + what +
                               ": the frontend and gap firewall models need one (docs/firewall.md)",
                           "model");
    Object::Ptr d = new Object;
    d->set("model", model);
    const auto admins = strings(body, "adminSubnets", 1, 16, 50);
    for (size_t i = 0; i < admins.size(); ++i)
        check(setup::checkNetworkCidr(admins[i]), "adminSubnets[" + std::to_string(i) + "]");
    d->set("adminSubnets", toArray(admins));
    if (model == "frontend") {
        body.allowOnly({"model", "adminSubnets", "peers", "staff"});
        const auto arr = body.array("peers", 32);
        Array::Ptr peers = new Array;
        std::set<std::string> names;
        for (size_t i = 0; i < arr->size(); ++i) {
            const std::string at = "peers[" + std::to_string(i) + "]";
            const auto& v = arr->get(static_cast<unsigned>(i));
            if (v.type() != typeid(Object::Ptr)) invalid(at, "must be an object");
            JsonBody p(v.extract<Object::Ptr>(), at);
            p.allowOnly({"name", "address", "tcp"});
            const auto name = p.str("name", 32);
            if (!rules::isValidUsername(name)) invalid(at + ".name", "must be 3..32 of a-z, 0-9, '.', '_', '-'");
            if (!names.insert(name).second) invalid(at + ".name", "is listed twice");
            const auto address = p.str("address", 45);
            check(setup::checkAddress(address), at + ".address");
            Object::Ptr o = new Object;
            o->set("name", name);
            o->set("address", address);
            Array::Ptr tcp = new Array;
            for (auto port : ports(p, "tcp", 16)) tcp->add(port);
            o->set("tcp", tcp);
            peers->add(o);
        }
        if (peers->size() == 0) invalid("peers", "needs the HIS (and LIS) hosts the appliance may reach");
        d->set("peers", peers);
        const auto staff = strings(body, "staff", 0, 32, 50);
        for (size_t i = 0; i < staff.size(); ++i)
            check(setup::checkNetworkCidr(staff[i]), "staff[" + std::to_string(i) + "]");
        d->set("staff", toArray(staff));
    } else {
        body.allowOnly({"model", "adminSubnets", "device", "tcp"});
        const auto device = body.str("device", 45);
        check(setup::checkAddress(device), "device");
        d->set("device", device);
        Array::Ptr tcp = new Array;
        for (auto port : ports(body, "tcp", 16)) tcp->add(port);
        d->set("tcp", tcp);
    }
    return d;
}

// The medbox-firewall profile (appliance/firewall, docs/firewall.md) from
// the answer and the NICs the image named. The vendor zone stays out: off
// until an admin opens a vendor window (issue 12, section 5).
Object::Ptr SetupWizard::firewallProfile(const Object::Ptr& a) const {
    const auto model = a->getValue<std::string>("model");
    Object::Ptr ifaces = new Object;
    std::string ha;
    for (const auto& n : nics()) {
        if (n.management)
            ifaces->set("management", n.name);
        else if (n.role == "lan")
            ifaces->set(model == "gap" ? "gap" : "lan", n.name);
        else if (n.role == "dmz")
            ifaces->set("dmz", n.name);
    }
    Object::Ptr p = new Object;
    p->set("model", model);
    p->set("interfaces", ifaces);
    Object::Ptr mgmt = new Object;
    mgmt->set("admin_subnets", a->getArray("adminSubnets"));
    p->set("management", mgmt);
    if (model == "frontend") {
        Object::Ptr lan = new Object;
        lan->set("peers", a->getArray("peers"));
        lan->set("staff", a->getArray("staff"));
        p->set("lan", lan);
    } else {
        Object::Ptr gap = new Object;
        gap->set("device", a->getValue<std::string>("device"));
        gap->set("tcp", a->getArray("tcp"));
        p->set("gap", gap);
    }
    return p;
}

std::string SetupWizard::makeCsr(const std::string& username, const std::vector<std::string>& names) {
    requireOpen();
    std::string hostname, hospital;
    for (const auto& s : env_.db.read([](db::Connection& c) { return store::setupSteps(c); })) {
        if (s.step == "hostname") hostname = parseObject(s.data)->getValue<std::string>("hostname");
        if (s.step == "hospital") hospital = parseObject(s.data)->getValue<std::string>("name");
    }
    if (hostname.empty()) throw AppError(Err::Conflict, "save the hostname step first: the CSR names it");
    for (size_t i = 0; i < names.size(); ++i)
        if (!setup::checkAddress(names[i]).empty())
            check(setup::checkHostname(names[i]), "names[" + std::to_string(i) + "]");
    const auto csr = setup::makeCsr(hostname, names, hospital);
    files::writeAtomically(csrKeyOf(env_.config.setup.keyFile), csr.keyPem, 0600);
    Object::Ptr d = new Object;
    d->set("commonName", hostname);
    d->set("names", toArray(names));
    audit(username, "setup.csr", "setup:certificate", d);
    return csr.csrPem;
}

Object::Ptr SetupWizard::apply(const std::string& username) {
    requireOpen();
    const auto steps = env_.db.read([](db::Connection& c) { return store::setupSteps(c); });
    std::map<std::string, Object::Ptr> data;
    for (const auto& s : steps) data[s.step] = parseObject(s.data);
    for (const auto& name : stepNames())
        if (!data.count(name)) throw AppError(Err::Conflict, "the setup step '" + name + "' is not saved yet", name);

    Object::Ptr done = new Object;
    try {
        // The certificate is the console's own file: no privilege needed.
        // The core serves it from the console's next start.
        const auto& cfg = env_.config.setup;
        if (data["certificate"]->getValue<std::string>("mode") == "upload") {
            std::error_code ec;
            fs::rename(pendingOf(cfg.keyFile), cfg.keyFile, ec);
            if (!ec) fs::rename(pendingOf(cfg.certFile), cfg.certFile, ec);
            if (ec) throw AppError(Err::Internal, "could not install the uploaded certificate: " + ec.message());
        }
        done->set("certificate", true);
        Object::Ptr a = new Object;
        a->set("hostname", data["hostname"]->getValue<std::string>("hostname"));
        helper_->call("hostname", a);
        done->set("hostname", true);
        a = new Object;
        a->set("servers", data["time"]->getArray("servers"));
        helper_->call("time", a);
        done->set("time", true);
        helper_->call("network-write", data["network"]);
        done->set("network", true);
        a = new Object;
        a->set("profile", firewallProfile(data["firewall"]));
        a->set("confirmSeconds", cfg.confirmSeconds);
        helper_->call("firewall-apply", a);
        done->set("firewall", true);
    } catch (const AppError& e) {
        Object::Ptr d = new Object;
        d->set("done", done);
        d->set("error", std::string(e.what()));
        audit(username, "setup.apply", "setup", d, "failed");
        throw;
    }
    const int64_t deadline = env_.now() + env_.config.setup.confirmSeconds * 1000LL;
    env_.db.write([&](db::Tx& tx) {
        store::setApplyDeadline(tx.conn(), deadline);
        Object::Ptr d = new Object;
        d->set("confirmBefore", isoUtc(deadline));
        env_.effects.auditIn(tx, "staff:" + username, "setup.apply", "setup", d);
    });
    Object::Ptr o = new Object;
    o->set("confirmBefore", isoUtc(deadline));
    o->set("confirmSeconds", env_.config.setup.confirmSeconds);
    return o;
}

Object::Ptr SetupWizard::confirm(const std::string& username) {
    requireOpen();
    const auto row = env_.db.read([](db::Connection& c) { return store::setupRow(c); });
    if (!row->applyDeadlineMs) throw AppError(Err::Conflict, "nothing to confirm: apply the settings first");
    if (*row->applyDeadlineMs <= env_.now())
        throw AppError(Err::Conflict,
                       "the confirm window has passed: the previous firewall came back by itself; apply again");
    try {
        helper_->call("firewall-confirm", nullptr);
        helper_->call("network-reload", nullptr);
        helper_->call("enable-services", nullptr);
    } catch (const AppError& e) {
        Object::Ptr d = new Object;
        d->set("error", std::string(e.what()));
        audit(username, "setup.complete", "setup", d, "failed");
        throw;
    }
    env_.db.write([&](db::Tx& tx) {
        store::completeSetup(tx.conn(), env_.now(), username);
        env_.effects.auditIn(tx, "staff:" + username, "setup.complete", "setup", std::string("{}"));
    });
    return state();
}

}  // namespace medbox::console
