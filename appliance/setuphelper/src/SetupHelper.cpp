#include "SetupHelper.h"

#include "HelperIo.h"
#include "VendorTunnel.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

// Runs argv (no shell); throws with its output unless it exits 0. The
// output goes to a memory file, not a pipe: medbox-firewall may leave a
// detached waiter behind (its revert), which would hold a pipe open.
void run(const std::vector<std::string>& argv) {
    const int out = ::memfd_create("medbox-setup-helper-run", MFD_CLOEXEC);
    if (out < 0) throw std::runtime_error("memfd_create failed");
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(out);
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, 0);
        // Nothing else: systemd also passes the connection as fd 3, and a
        // revert waiter that kept it would hold the console's request open.
        ::closefrom(3);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        char* env[] = {const_cast<char*>("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nullptr};
        ::execve(args[0], args.data(), env);
        _exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::string output(4096, '\0');
    const ssize_t n = ::pread(out, output.data(), output.size(), 0);
    output.resize(n > 0 ? static_cast<size_t>(n) : 0);
    ::close(out);
    // What the program said goes to the journal (StandardError=journal).
    if (!output.empty()) std::fprintf(stderr, "%s: %s\n", argv[0].c_str(), output.c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
        throw std::runtime_error(fs::path(argv[0]).filename().string() + " failed" +
                                 (output.empty() ? "" : ": " + output));
    }
}

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

struct Refused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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
        run({opt.hostnamectl, "hostname", name});
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
    if (opt.live) run({opt.systemctl, "try-restart", "systemd-timesyncd.service"});
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
    run({opt.firewall, "apply", file, "--confirm-within", std::to_string(seconds)});
}

Object::Ptr answer(bool ok, const std::string& error = {}) {
    Object::Ptr o = new Object;
    o->set("ok", ok);
    if (!ok) o->set("error", error);
    return o;
}

}  // namespace

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
            if (opt.live) run({opt.networkctl, "reload"});
        } else if (verb == "firewall-apply")
            doFirewallApply(opt, rq);
        else if (verb == "firewall-confirm")
            run({opt.firewall, "confirm"});
        else if (verb.starts_with("vendor-"))
            return handleVendor(opt, verb, rq);
        else if (verb == "enable-services") {
            if (opt.live) {
                run({opt.systemctl, "enable", "--now", "systemd-timesyncd.service"});
                run({opt.systemctl, "start", "medbox.target"});
            }
        } else
            return answer(false, "unknown verb " + verb.substr(0, 40));
    } catch (const std::exception& e) {
        return answer(false, e.what());
    }
    return answer(true);
}

}  // namespace medbox::setuphelper
