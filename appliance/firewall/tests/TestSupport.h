#pragma once

#include "Cli.h"

#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace medbox::firewall::test {

// Moves this test process into a network namespace of its own (once), so
// tests that talk to the kernel through libnftables never see or change the
// host's ruleset. Needs root (CAP_SYS_ADMIN); callers skip otherwise.
inline bool enterPrivateNetns() {
    static const bool entered = ::unshare(CLONE_NEWNET) == 0;
    return entered;
}

inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// medbox-firewall's command line run in this process, with what it printed.
struct Run {
    int rc;
    std::string out;
    std::string err;
};
inline Run cli(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    const int rc = runCli(args, out, err);
    return {rc, out.str(), err.str()};
}

inline std::string examplePath(const std::string& name) { return std::string(MEDBOX_FIREWALL_EXAMPLES) + "/" + name; }

// A file in a fresh temporary folder, removed with the object.
class TempFile {
public:
    explicit TempFile(const std::string& content) {
        std::string pattern = (std::filesystem::temp_directory_path() / "medbox-fw-XXXXXX").string();
        dir_ = ::mkdtemp(pattern.data());
        path_ = dir_ / "profile.json";
        std::ofstream(path_) << content;
    }
    ~TempFile() { std::filesystem::remove_all(dir_); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path dir_;
    std::filesystem::path path_;
};

}  // namespace medbox::firewall::test
