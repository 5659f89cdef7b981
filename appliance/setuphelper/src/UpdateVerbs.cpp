#include "UpdateVerbs.h"

#include "Verbs.h"

#include <Poco/JSON/Parser.h>

#include <sys/stat.h>

#include <cstring>
#include <filesystem>

namespace medbox::setuphelper {

namespace {

// rauc status --detailed of two slots is a few KiB; its install output ends
// with the reason when it refuses.
constexpr size_t kMaxStatus = 60 * 1024;
constexpr size_t kMaxInstallOutput = 2048;

// The verbs take no arguments: anything but "verb" is refused, so a console
// that tried to pass a path learns it cannot.
void noArguments(const std::string& verb, const Poco::JSON::Object::Ptr& rq) {
    for (const auto& [key, value] : *rq)
        if (key != "verb") throw Refused(verb + " takes no arguments (" + key.substr(0, 40) + " given)");
}

Poco::JSON::Object::Ptr status(const Options& opt) {
    // The page polls this: its output is not journal material.
    const auto out = run({opt.rauc, "status", "--detailed", "--output-format=json"}, kMaxStatus, false);
    // rauc may log a line to stderr before its JSON: take the object only.
    const auto begin = out.find('{');
    const auto end = out.rfind('}');
    Poco::JSON::Object::Ptr parsed;
    try {
        if (begin != std::string::npos && end != std::string::npos && end > begin)
            parsed = Poco::JSON::Parser().parse(out.substr(begin, end - begin + 1)).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
    }
    if (!parsed) throw std::runtime_error("rauc status did not print a JSON object");
    auto a = answer(true);
    a->set("status", parsed);
    return a;
}

}  // namespace

bool isUpdateVerb(const std::string& verb) {
    return verb == "update-status" || verb == "update-install" || verb == "update-reboot";
}

std::string checkUpdateBundle(const std::string& path) {
    if (std::filesystem::path(path).extension() != ".raucb") return "is not named *.raucb";
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return std::string("cannot be read: ") + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return "is not a regular file";
    if (st.st_size == 0) return "is empty";
    return {};
}

Poco::JSON::Object::Ptr handleUpdateVerb(const Options& opt, const std::string& verb,
                                         const Poco::JSON::Object::Ptr& rq) {
    noArguments(verb, rq);
    if (verb == "update-status") return status(opt);
    if (verb == "update-install") {
        if (const auto why = checkUpdateBundle(opt.updateBundle); !why.empty())
            throw Refused("the uploaded bundle " + opt.updateBundle + " " + why);
        auto a = answer(true);
        a->set("output", run({opt.rauc, "install", opt.updateBundle}, kMaxInstallOutput));
        return a;
    }
    // update-reboot
    if (opt.live) run({opt.systemctl, "reboot"});
    return answer(true);
}

}  // namespace medbox::setuphelper
