// libFuzzer target: the bytes medbox-setup-helper reads from its socket, as
// serve() gets them. Files go under a temporary root; every program a verb
// would run is a path that does not exist (run() then fails with 127), so a
// run forks but changes nothing. The answer must always be one JSON object
// line with a boolean "ok".
#include "../src/SetupHelper.h"

#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

namespace {

// The temporary root, removed when the run ends (libFuzzer exits normally).
struct TempRoot {
    std::string path;
    ~TempRoot() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

medbox::setuphelper::Options options() {
    char tmpl[] = "/tmp/setuphelper-fuzz-XXXXXX";
    const char* root = ::mkdtemp(tmpl);
    if (!root) std::abort();
    static const TempRoot cleanup{root};
    medbox::setuphelper::Options o;
    o.root = root;
    o.live = false;
    o.firewall = o.rauc = std::string(root) + "/no-such-program";
    o.updateBundle = std::string(root) + "/bundle.raucb";
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto opt = options();
    const auto line = medbox::setuphelper::serve(opt, std::string_view(reinterpret_cast<const char*>(data), size));
    if (line.empty() || line.back() != '\n') std::abort();
    const auto answer = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
    if (!answer || !answer->get("ok").isBoolean()) std::abort();
    return 0;
}
