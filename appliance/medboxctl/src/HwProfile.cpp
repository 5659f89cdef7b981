#include "HwProfile.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#ifndef MEDBOXCTL_HWPROFILES_DIR
#define MEDBOXCTL_HWPROFILES_DIR "/usr/share/medbox/hwprofiles"
#endif

namespace medbox::ctl {

namespace {

constexpr std::uintmax_t kMaxProfileBytes = 1024 * 1024;
// Function-local so a profile can be parsed during static initialisation.
const std::set<std::string>& transports() {
    static const std::set<std::string> names = {"sas", "sata", "nvme", "raid", "virtio", "usb", "other"};
    return names;
}

using Poco::JSON::Array;
using Poco::JSON::Object;

// Reads one JSON object, remembering which keys were used so that unknown
// keys (typos) are errors that name their path.
class Reader {
public:
    Reader(Object::Ptr object, std::string path, const std::string& origin)
        : object_(std::move(object)), path_(std::move(path)), origin_(origin) {}

    [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
        throw ProfileError(origin_ + ": " + keyPath(key) + ": " + problem);
    }

    std::string keyPath(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

    bool has(const std::string& key) {
        used_.insert(key);
        return object_->has(key) && !object_->isNull(key);
    }

    std::string text(const std::string& key, bool required) {
        if (!has(key)) {
            if (required) fail(key, "missing");
            return {};
        }
        auto v = object_->get(key);
        if (!v.isString()) fail(key, "must be a string");
        return v.convert<std::string>();
    }

    double number(const std::string& key, double lo, double hi, bool integer) {
        if (!has(key)) fail(key, "missing");
        auto v = object_->get(key);
        if (!v.isNumeric() || v.isString() || v.isBoolean()) fail(key, "must be a number");
        double d = v.convert<double>();
        if (!std::isfinite(d) || d < lo || d > hi) {
            std::ostringstream s;
            s << "must be between " << lo << " and " << hi;
            fail(key, s.str());
        }
        if (integer && std::floor(d) != d) fail(key, "must be a whole number");
        return d;
    }

    Reader child(const std::string& key) {
        if (!has(key)) fail(key, "missing");
        Object::Ptr o = object_->getObject(key);
        if (!o) fail(key, "must be an object");
        return Reader(o, keyPath(key), origin_);
    }

    Array::Ptr array(const std::string& key) {
        if (!has(key)) return nullptr;
        Array::Ptr a = object_->getArray(key);
        if (!a) fail(key, "must be an array");
        return a;
    }

    Reader element(const Array::Ptr& array, const std::string& key, std::size_t i) {
        Object::Ptr o = array->getObject(static_cast<unsigned>(i));
        std::string p = keyPath(key) + "[" + std::to_string(i) + "]";
        if (!o) throw ProfileError(origin_ + ": " + p + ": must be an object");
        return Reader(o, p, origin_);
    }

    std::vector<std::string> words(const std::string& key, const std::set<std::string>* allowed) {
        std::vector<std::string> out;
        Array::Ptr a = array(key);
        if (!a) return out;
        for (std::size_t i = 0; i < a->size(); ++i) {
            auto v = a->get(static_cast<unsigned>(i));
            std::string p = key + "[" + std::to_string(i) + "]";
            if (!v.isString()) fail(p, "must be a string");
            std::string w = v.convert<std::string>();
            if (allowed && !allowed->count(w)) fail(p, "unknown value \"" + w + "\"");
            out.push_back(w);
        }
        return out;
    }

    // Call last: every key the object has must have been read.
    void rejectUnknown() const {
        std::vector<std::string> names;
        object_->getNames(names);
        for (const auto& n : names) {
            if (!used_.count(n)) fail(n, "unknown key");
        }
    }

private:
    Object::Ptr object_;
    std::string path_;
    const std::string& origin_;
    std::set<std::string> used_;
};

Minimum minimum(Reader& parent, const std::string& key, double lo, double hi, bool integer) {
    Reader r = parent.child(key);
    Minimum m;
    m.min = r.number("min", lo, hi, integer);
    m.why = r.text("why", false);
    r.rejectUnknown();
    return m;
}

std::optional<Minimum> optionalMinimum(Reader& parent, const std::string& key, double lo, double hi, bool integer) {
    if (!parent.has(key)) return std::nullopt;
    return minimum(parent, key, lo, hi, integer);
}

bool validName(const std::string& name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

}  // namespace

HwProfile parseProfile(const std::string& json, const std::string& origin) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(json);
    } catch (const Poco::Exception& e) {
        throw ProfileError(origin + ": not valid JSON: " + e.displayText());
    }
    if (parsed.type() != typeid(Object::Ptr)) throw ProfileError(origin + ": not a JSON object");
    Object::Ptr root = parsed.extract<Object::Ptr>();
    if (!root) throw ProfileError(origin + ": not a JSON object");

    Reader r(root, "", origin);
    HwProfile p;
    if (r.text("schema", true) != "medbox.hwprofile/1") r.fail("schema", "must be \"medbox.hwprofile/1\"");
    p.name = r.text("name", true);
    if (!validName(p.name)) r.fail("name", "only a-z, 0-9 and '-' (at most 64)");
    p.title = r.text("title", false);
    p.source = r.text("source", false);
    r.text("why", false);
    r.words("notes", nullptr);
    if (r.has("quantity")) p.quantity = minimum(r, "quantity", 1, 1000, true);

    if (r.has("cpu")) {
        Reader cpu = r.child("cpu");
        p.cpuSockets = optionalMinimum(cpu, "sockets", 1, 64, true);
        p.cpuThreadsPerSocket = optionalMinimum(cpu, "threadsPerSocket", 1, 4096, true);
        p.cpuFrequencyMHz = optionalMinimum(cpu, "frequencyMHz", 1, 20000, false);
        p.cpuCachePerSocketMiB = optionalMinimum(cpu, "cachePerSocketMiB", 0, 65536, false);
        cpu.text("why", false);
        cpu.rejectUnknown();
    }
    if (r.has("memory")) {
        Reader mem = r.child("memory");
        Reader total = mem.child("totalMiB");
        Minimum m;
        m.min = total.number("min", 1, 1 << 30, true);
        m.why = total.text("why", false);
        if (total.has("tolerancePercent")) p.memoryTolerancePercent = total.number("tolerancePercent", 0, 50, false);
        total.rejectUnknown();
        p.memoryMiB = m;
        mem.rejectUnknown();
    }
    if (auto disks = r.array("disks")) {
        std::set<std::string> roles;
        for (std::size_t i = 0; i < disks->size(); ++i) {
            Reader d = r.element(disks, "disks", i);
            DiskGroup g;
            g.role = d.text("role", true);
            if (!validName(g.role) || !roles.insert(g.role).second)
                d.fail("role", "must be a unique word (a-z, 0-9, '-')");
            g.count = static_cast<int>(d.number("count", 1, 64, true));
            g.minSizeGB = d.number("minSizeGB", 0, 1e6, false);
            g.transports = d.words("transports", &transports());
            if (g.transports.empty())
                d.fail("transports", "list at least one of sas, sata, nvme, raid, virtio, usb, other");
            if (d.has("raidVolumeMinSizeGB")) g.raidVolumeMinSizeGB = d.number("raidVolumeMinSizeGB", 0, 1e6, false);
            g.why = d.text("why", false);
            d.rejectUnknown();
            p.disks.push_back(std::move(g));
        }
    }
    if (auto nics = r.array("nics")) {
        std::set<std::string> roles;
        for (std::size_t i = 0; i < nics->size(); ++i) {
            Reader n = r.element(nics, "nics", i);
            NicGroup g;
            g.role = n.text("role", true);
            if (!validName(g.role) || !roles.insert(g.role).second)
                n.fail("role", "must be a unique word (a-z, 0-9, '-')");
            g.count = static_cast<int>(n.number("count", 1, 64, true));
            g.minSpeedMbps = static_cast<int>(n.number("minSpeedMbps", 0, 1000000, true));
            g.carries = n.words("carries", nullptr);
            g.why = n.text("why", false);
            n.rejectUnknown();
            p.nics.push_back(std::move(g));
        }
    }
    if (r.has("fcHbas")) {
        Reader fc = r.child("fcHbas");
        FcRequirement f;
        f.count = static_cast<int>(fc.number("count", 0, 64, true));
        f.minSpeedGbit = static_cast<int>(fc.number("minSpeedGbit", 0, 1024, true));
        f.why = fc.text("why", false);
        fc.rejectUnknown();
        p.fcHbas = f;
    }
    p.powerSupplies = optionalMinimum(r, "powerSupplies", 1, 16, true);
    if (r.has("layout")) {
        Reader layout = r.child("layout");
        p.layoutWhy = layout.text("why", false);
        if (auto parts = layout.array("partitions")) {
            for (std::size_t i = 0; i < parts->size(); ++i) {
                Reader pr = layout.element(parts, "partitions", i);
                Partition part;
                part.mount = pr.text("mount", true);
                if (!part.mount.starts_with("/") && part.mount != "swap")
                    pr.fail("mount", "must be an absolute path or \"swap\"");
                part.minGiB = pr.number("minGiB", 0, 1e6, false);
                part.why = pr.text("why", false);
                pr.rejectUnknown();
                p.layout.push_back(std::move(part));
            }
        }
        layout.rejectUnknown();
    }
    r.rejectUnknown();
    return p;
}

HwProfile loadProfileFile(const std::filesystem::path& file) {
    std::error_code ec;
    auto size = std::filesystem::file_size(file, ec);
    if (ec) throw ProfileError("cannot read profile " + file.string() + ": " + ec.message());
    if (size > kMaxProfileBytes) throw ProfileError("profile " + file.string() + " is larger than 1 MiB");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ProfileError("cannot open profile " + file.string());
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parseProfile(buffer.str(), file.string());
}

std::vector<std::filesystem::path> profileDirectories() {
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("MEDBOX_HWPROFILES_DIR"); env != nullptr) {
        std::string_view list(env);
        while (!list.empty()) {
            auto colon = list.find(':');
            auto item = list.substr(0, colon);
            if (!item.empty()) dirs.emplace_back(std::string(item));
            if (colon == std::string_view::npos) break;
            list.remove_prefix(colon + 1);
        }
    }
    dirs.emplace_back(MEDBOXCTL_HWPROFILES_DIR);
    return dirs;
}

HwProfile findProfile(const std::string& nameOrFile) {
    if (nameOrFile.find('/') != std::string::npos || nameOrFile.ends_with(".json")) {
        return loadProfileFile(nameOrFile);
    }
    if (!validName(nameOrFile)) {
        throw ProfileError("\"" + nameOrFile.substr(0, 64) +
                           "\" is neither a profile name (a-z, 0-9, '-') nor a .json file");
    }
    std::string searched;
    for (const auto& dir : profileDirectories()) {
        auto file = dir / (nameOrFile + ".json");
        if (std::filesystem::is_regular_file(file)) return loadProfileFile(file);
        searched += (searched.empty() ? "" : ", ") + dir.string();
    }
    throw ProfileError("no profile named \"" + nameOrFile + "\" in " + searched +
                       " (set MEDBOX_HWPROFILES_DIR or pass a file)");
}

}  // namespace medbox::ctl
