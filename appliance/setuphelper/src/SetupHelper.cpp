#include "SetupHelper.h"

#include "HelperIo.h"
#include "UpdateVerbs.h"
#include "VendorTunnel.h"
#include "Verbs.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace medbox::setuphelper {

namespace fs = std::filesystem;

// Written whole or not at all, mode as given, parent folders made.
void writeFile(const Options& opt, const std::string& path, const std::string& text, mode_t mode) {
    const fs::path target = fs::path(opt.root) / fs::path(path).relative_path();
    fs::create_directories(target.parent_path());
    const std::string tmp = target.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), target.c_str()) != 0)
        throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
}

// Under a test root medbox-firewall keeps its state there too, never in the
// host's /etc and /run.
std::vector<std::string> firewallEnv(const Options& opt) {
    if (opt.root == "/") return {};
    return {"MEDBOX_FIREWALL_STATE_DIR=" + (fs::path(opt.root) / "etc/medbox/firewall").string(),
            "MEDBOX_FIREWALL_RUN_DIR=" + (fs::path(opt.root) / "run/medbox-firewall").string()};
}

std::string run(const Options& opt, const std::vector<std::string>& argv) {
    return setuphelper::run(argv, 4096, true, firewallEnv(opt));
}

// A program whose failure is an answer (a refused draft), not an error.
RunResult runCapture(const Options& opt, const std::vector<std::string>& argv) {
    return setuphelper::runCapture(argv, 60 * 1024, false, firewallEnv(opt));
}

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

void need(const std::string& why, const std::string& what) {
    if (!why.empty()) throw Refused(what + " " + why);
}

std::string str(const Object::Ptr& o, const std::string& key, size_t maxLen) {
    if (!o || !o->has(key) || !o->get(key).isString()) throw Refused(key + " must be a string");
    auto s = o->getValue<std::string>(key);
    if (s.empty() || s.size() > maxLen) throw Refused(key + " must be 1.." + std::to_string(maxLen) + " bytes");
    return s;
}

Array::Ptr arr(const Object::Ptr& o, const std::string& key, size_t maxItems) {
    if (!o || !o->has(key)) return new Array;
    auto a = o->getArray(key);
    if (!a) throw Refused(key + " must be an array");
    if (a->size() > maxItems) throw Refused(key + " has more than " + std::to_string(maxItems) + " entries");
    return a;
}

std::vector<std::string> strs(const Object::Ptr& o, const std::string& key, size_t maxItems) {
    std::vector<std::string> out;
    const auto a = arr(o, key, maxItems);
    for (size_t i = 0; i < a->size(); ++i) {
        const auto& v = a->get(static_cast<unsigned>(i));
        if (!v.isString()) throw Refused(key + " must hold strings");
        out.push_back(v.extract<std::string>());
    }
    return out;
}

std::optional<int> ipFamily(const std::string& ip) {
    unsigned char buf[16];
    if (ip.size() <= 45 && inet_pton(AF_INET, ip.c_str(), buf) == 1) return AF_INET;
    if (ip.size() <= 45 && inet_pton(AF_INET6, ip.c_str(), buf) == 1) return AF_INET6;
    return std::nullopt;
}

void doHostname(const Options& opt, const Object::Ptr& rq) {
    const auto name = str(rq, "hostname", 253);
    need(checkHostname(name), "hostname");
    // systemd-hostnamed writes /etc/hostname and sets the running name.
    if (opt.live)
        run(opt, {opt.hostnamectl, "hostname", name});
    else
        writeFile(opt, "/etc/hostname", name + "\n", 0644);
}

void doTime(const Options& opt, const Object::Ptr& rq) {
    const auto servers = strs(rq, "servers", 5);
    if (servers.empty()) throw Refused("servers needs at least one time server");
    std::string line;
    for (const auto& s : servers) {
        need(checkServer(s), "servers: " + s);
        line += (line.empty() ? "" : " ") + s;
    }
    writeFile(opt, "/etc/systemd/timesyncd.conf.d/50-medbox.conf",
              "# Written by the medbox setup wizard (medbox-setup-helper).\n[Time]\nNTP=" + line + "\n", 0644);
    if (opt.live) run(opt, {opt.systemctl, "try-restart", "systemd-timesyncd.service"});
}

std::string networkFile(const Object::Ptr& nic) {
    const auto name = str(nic, "name", 15);
    need(checkNicName(name), "interfaces: name " + name);
    const auto mode = str(nic, "mode", 10);
    std::ostringstream f;
    f << "# Written by the medbox setup wizard (medbox-setup-helper).\n[Match]\nName=" << name << "\n\n[Network]\n";
    if (mode == "dhcp") {
        f << "DHCP=yes\nIPv6AcceptRA=no\nLinkLocalAddressing=ipv4-fallback\n\n[DHCPv4]\nUseHostname=no\n";
    } else if (mode == "static") {
        const auto address = str(nic, "address", 60);
        need(checkCidr(address), "interfaces: address " + address);
        f << "Address=" << address << "\n";
        if (nic->has("gateway")) {
            const auto gw = str(nic, "gateway", 45);
            need(checkIp(gw), "interfaces: gateway " + gw);
            f << "Gateway=" << gw << "\n";
        }
        for (const auto& d : strs(nic, "dns", 3)) {
            need(checkIp(d), "interfaces: dns " + d);
            f << "DNS=" << d << "\n";
        }
        f << "IPv6AcceptRA=no\nLinkLocalAddressing=no\n";
    } else {
        throw Refused("interfaces: mode must be dhcp or static");
    }
    return f.str();
}

void doNetworkWrite(const Options& opt, const Object::Ptr& rq) {
    const auto list = arr(rq, "interfaces", 16);
    if (list->size() == 0) throw Refused("interfaces needs at least one NIC");
    std::vector<std::pair<std::string, std::string>> files;  // checked whole before any is written
    std::set<std::string> seen;
    for (size_t i = 0; i < list->size(); ++i) {
        const auto nic = list->getObject(static_cast<unsigned>(i));
        if (!nic) throw Refused("interfaces must hold objects");
        const auto name = str(nic, "name", 15);
        if (!seen.insert(name).second) throw Refused("interfaces: " + name + " is listed twice");
        const bool management = nic->has("management") && nic->get("management").isBoolean() &&
                                nic->getValue<bool>("management");
        files.emplace_back("/etc/systemd/network/" +
                               (management ? std::string("50-medbox-management") : "50-medbox-" + name) + ".network",
                           networkFile(nic));
    }
    for (const auto& [path, text] : files) writeFile(opt, path, text, 0644);
}

void doFirewallApply(const Options& opt, const Object::Ptr& rq) {
    const auto profile = rq->getObject("profile");
    if (!profile) throw Refused("profile must be an object");
    if (!rq->has("confirmSeconds") || !rq->get("confirmSeconds").isInteger())
        throw Refused("confirmSeconds is required");
    const int seconds = rq->getValue<int>("confirmSeconds");
    if (seconds < 10 || seconds > 600) throw Refused("confirmSeconds must be 10..600");
    std::ostringstream text;
    profile->stringify(text, 2);
    // medbox-firewall validates the profile itself (schema, NICs, a dry run)
    // before it touches the ruleset.
    writeFile(opt, "/etc/medbox/firewall/wizard.json", text.str() + "\n", 0600);
    const std::string file = (fs::path(opt.root) / "etc/medbox/firewall/wizard.json").string();
    run(opt, {opt.firewall, "apply", file, "--confirm-within", std::to_string(seconds)});
}

// ---- The console's firewall page (issue 12 section 4): read the state,
// dry-run a draft, revert. Apply and confirm are the wizard's verbs above.

// The firewall's folders as medbox-firewall sees them (runCapture's env).
fs::path firewallStateDir(const Options& opt) { return fs::path(opt.root) / "etc/medbox/firewall"; }
fs::path firewallRunDir(const Options& opt) { return fs::path(opt.root) / "run/medbox-firewall"; }

std::optional<std::string> readBounded(const fs::path& path, size_t maxBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(maxBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
    if (text.size() > maxBytes) throw std::runtime_error(path.string() + " is larger than expected");
    return text;
}

Poco::Dynamic::Var parsedOrNull(const std::string& text) {
    try {
        return Poco::JSON::Parser().parse(text);
    } catch (const std::exception&) {
        return {};
    }
}

// {active, activeModifiedMs, pending: {id, deadlineMs}, status, revertLog}:
// the saved profile (mode 0600, root's), the change waiting for confirm,
// `medbox-firewall status --json` (null: no table running), the last revert.
void doFirewallState(const Options& opt, Object::Ptr& out) {
    const auto active = firewallStateDir(opt) / "active.json";
    if (const auto text = readBounded(active, 48 * 1024)) {
        out->set("active", parsedOrNull(*text));
        struct stat st {};
        if (::stat(active.c_str(), &st) == 0)
            out->set("activeModifiedMs",
                     static_cast<long long>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000);
    } else {
        out->set("active", Poco::Dynamic::Var());
    }
    Poco::Dynamic::Var pending;
    if (const auto text = readBounded(firewallRunDir(opt) / "pending.id", 256)) {
        std::istringstream in(*text);
        std::string id;
        long long deadline = 0;
        if (in >> id >> deadline) {
            Object::Ptr p = new Object;
            p->set("id", id);
            p->set("deadlineMs", deadline);
            pending = p;
        }
    }
    out->set("pending", pending);
    const auto status = runCapture(opt, {opt.firewall, "status", "--json"});
    out->set("status", status.exitCode == 0 ? parsedOrNull(status.output) : Poco::Dynamic::Var());
    if (const auto log = readBounded(firewallRunDir(opt) / "revert.log", 64 * 1024))
        out->set("revertLog", log->size() > 2048 ? log->substr(log->size() - 2048) : *log);
}

// `medbox-firewall check` of a draft: {valid, output}. A refused draft is
// an answer, not a failure of the verb.
void doFirewallCheck(const Options& opt, const Object::Ptr& rq, Object::Ptr& out) {
    const auto profile = rq->getObject("profile");
    if (!profile) throw Refused("profile must be an object");
    std::ostringstream text;
    profile->stringify(text, 2);
    writeFile(opt, "/etc/medbox/firewall/draft.json", text.str() + "\n", 0600);
    const auto r = runCapture(opt, {opt.firewall, "check", (firewallStateDir(opt) / "draft.json").string()});
    out->set("valid", r.exitCode == 0);
    out->set("output", r.output.substr(0, 8192));
}

void doFirewallRevert(const Options& opt, Object::Ptr& out) {
    out->set("output", run(opt, {opt.firewall, "revert"}).substr(0, 8192));
}

// ---- end of the firewall page's verbs

}  // namespace

Object::Ptr answer(bool ok, const std::string& error) {
    Object::Ptr o = new Object;
    o->set("ok", ok);
    if (!ok) o->set("error", error);
    return o;
}

std::string serve(const Options& opt, std::string_view bytes) {
    std::ostringstream out;
    const auto line = bytes.substr(0, bytes.find('\n'));
    if (line.size() >= kMaxRequest)
        out << R"({"ok":false,"error":"request too large"})";
    else
        handle(opt, std::string(line))->stringify(out);
    return out.str() + "\n";
}

std::string checkHostname(const std::string& name) {
    if (name.empty() || name.size() > 253) return "must be 1..253 characters";
    size_t start = 0;
    while (start <= name.size()) {
        auto dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        const auto label = name.substr(start, dot - start);
        if (label.empty() || label.size() > 63) return "has an empty label or one over 63 characters";
        if (label.front() == '-' || label.back() == '-') return "has a label starting or ending with '-'";
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return "may hold only a-z, 0-9, '-' and '.'";
        start = dot + 1;
    }
    return {};
}

std::string checkNicName(const std::string& name) {
    if (name.empty() || name.size() > 15 || !std::islower(static_cast<unsigned char>(name[0])))
        return "is not a NIC name";
    for (char c : name)
        if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)))
            return "is not a NIC name";
    return {};
}

std::string checkIp(const std::string& ip) { return ipFamily(ip) ? std::string{} : "is not an IP address"; }

std::string checkCidr(const std::string& cidr) {
    const auto slash = cidr.find('/');
    if (slash == std::string::npos) return "is not ADDRESS/PREFIX";
    const auto family = ipFamily(cidr.substr(0, slash));
    const auto p = cidr.substr(slash + 1);
    if (!family || p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos)
        return "is not ADDRESS/PREFIX";
    if (std::stoi(p) > (*family == AF_INET ? 32 : 128)) return "has a prefix longer than the address";
    return {};
}

std::string checkServer(const std::string& server) {
    if (ipFamily(server)) return {};
    return checkHostname(server);
}

Object::Ptr handle(const Options& opt, const std::string& line) {
    Object::Ptr rq;
    try {
        rq = Poco::JSON::Parser().parse(line).extract<Object::Ptr>();
    } catch (const std::exception&) {
        return answer(false, "the request is not one JSON object");
    }
    if (!rq || !rq->has("verb") || !rq->get("verb").isString()) return answer(false, "verb is required");
    const auto verb = rq->getValue<std::string>("verb");
    try {
        if (verb == "hostname")
            doHostname(opt, rq);
        else if (verb == "time")
            doTime(opt, rq);
        else if (verb == "network-write")
            doNetworkWrite(opt, rq);
        else if (verb == "network-reload") {
            if (opt.live) run(opt, {opt.networkctl, "reload"});
        } else if (verb == "firewall-apply")
            doFirewallApply(opt, rq);
        else if (verb == "firewall-confirm")
            run(opt, {opt.firewall, "confirm"});
        else if (verb == "firewall-state" || verb == "firewall-check" || verb == "firewall-revert") {
            Object::Ptr out = answer(true);
            if (verb == "firewall-state")
                doFirewallState(opt, out);
            else if (verb == "firewall-check")
                doFirewallCheck(opt, rq, out);
            else
                doFirewallRevert(opt, out);
            return out;
        } else if (verb.starts_with("vendor-"))
            return handleVendor(opt, verb, rq);
        else if (verb == "enable-services") {
            if (opt.live) {
                run(opt, {opt.systemctl, "enable", "--now", "systemd-timesyncd.service"});
                run(opt, {opt.systemctl, "start", "medbox.target"});
            }
        } else if (isUpdateVerb(verb)) {
            return handleUpdateVerb(opt, verb, rq);
        } else
            return answer(false, "unknown verb " + verb.substr(0, 40));
    } catch (const std::exception& e) {
        return answer(false, e.what());
    }
    return answer(true);
}

}  // namespace medbox::setuphelper
