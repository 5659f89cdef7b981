// libFuzzer target: the configuration parser on any file (.properties, .ini
// or .json, picked by the first byte) or environment block, then the reads a
// service makes at start. A bad configuration must end in ConfigError, which
// names the key and makes the service exit 78; any other exception, a crash
// or a hang is a finding.
#include "core/config/Settings.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace medbox;

namespace {

std::string folder;

void reads(Settings& s) {
    s.str("log.level", "information");
    s.choice("db.synchronous", "FULL", {"NORMAL", "FULL", "EXTRA"});
    s.integer("http.port", 8443, 0, 65535);
    s.integer("http.max_body_bytes", 65536, 1024, 64 << 20);
    s.flag("http.tls", true);
    s.has("auth.console_url");
    for (const auto& dest : s.children("outbox.destinations")) s.str("outbox.destinations." + dest + ".url", "");
    s.required("data.dir");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    char dir[] = "/tmp/medbox-settings-fuzz-XXXXXX";
    if (!::mkdtemp(dir)) std::abort();
    folder = dir;
    std::atexit([] {
        for (const char* ext : {".properties", ".ini", ".json"}) ::unlink((folder + "/in" + ext).c_str());
        ::rmdir(folder.c_str());
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    Settings s;
    try {
        if (data[0] % 4 == 3) {
            // The environment: one VAR=value a line (MEDBOX_HTTP__PORT=8444).
            std::vector<std::string> lines;
            size_t at = 0;
            while (at <= text.size()) {
                const size_t nl = std::min(text.find('\n', at), text.size());
                lines.push_back(text.substr(at, nl - at));
                at = nl + 1;
            }
            std::vector<char*> env;
            for (auto& l : lines) env.push_back(l.data());
            env.push_back(nullptr);
            s.loadEnvironment(env.data());
        } else {
            static const char* const exts[] = {".properties", ".ini", ".json"};
            const std::string path = folder + "/in" + exts[data[0] % 4];
            std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
            s.loadFile(path);
        }
        reads(s);
        s.rejectUnknownKeys();
    } catch (const ConfigError&) {
        // The service says which key is wrong and exits 78.
    }
    return 0;
}
