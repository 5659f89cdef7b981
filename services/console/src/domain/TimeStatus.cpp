#include "domain/TimeStatus.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

namespace medbox::console {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::optional<int64_t> integer(const std::string& s) {
    if (s.empty() || s.size() > 18) return std::nullopt;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (size_t k = i; k < s.size(); ++k)
        if (!std::isdigit(static_cast<unsigned char>(s[k]))) return std::nullopt;
    return std::stoll(s);
}

struct Output {
    int exitCode = -1;
    std::string text;
};

// argv[0] with the arguments, no shell, at most `timeoutMs`; its stdout (and
// stderr, for the reason of a failure), at most 64 KiB.
Output runProgram(const std::vector<std::string>& argv, int timeoutMs) {
    Output r;
    const int out = ::memfd_create("medbox-console-run", MFD_CLOEXEC);
    if (out < 0) return r;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    char lang[] = "LC_ALL=C";  // the parsers read systemd's English words
    char path[] = "PATH=/usr/bin:/bin";
    char* env[] = {lang, path, nullptr};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
        const int null = ::open("/dev/null", O_RDONLY);
        if (null >= 0) ::dup2(null, 0);
        ::closefrom(3);
        ::execve(args[0], args.data(), env);
        _exit(127);
    }
    if (pid < 0) {
        ::close(out);
        return r;
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            ::close(out);
            r.text = argv[0] + " did not answer in time";
            return r;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    r.text.resize(64 * 1024);
    const ssize_t n = ::pread(out, r.text.data(), r.text.size(), 0);
    r.text.resize(n > 0 ? static_cast<size_t>(n) : 0);
    ::close(out);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace

bool TimeStatus::warning() const { return !synchronized || (offsetUs && std::llabs(*offsetUs) > kWarnOffsetUs); }

std::optional<int64_t> parseTimespanUs(const std::string& raw) {
    auto text = trim(raw);
    int sign = 1;
    if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
        sign = text[0] == '-' ? -1 : 1;
        text = text.substr(1);
    }
    const auto parts = words(text);
    if (parts.empty() || parts.size() > 8) return std::nullopt;
    double total = 0;
    for (const auto& p : parts) {
        size_t k = 0;
        while (k < p.size() && (std::isdigit(static_cast<unsigned char>(p[k])) || p[k] == '.')) ++k;
        if (k == 0 || k > 20) return std::nullopt;
        const auto unit = p.substr(k);
        double number = 0;
        try {
            number = std::stod(p.substr(0, k));
        } catch (const std::exception&) {
            return std::nullopt;
        }
        static const std::pair<const char*, double> units[] = {{"ns", 0.001},    {"us", 1},       {"ms", 1e3},
                                                               {"s", 1e6},       {"min", 60e6},   {"h", 3600e6},
                                                               {"d", 86400e6},   {"w", 604800e6}, {"M", 2629800e6},
                                                               {"y", 31557600e6}};
        bool known = false;
        for (const auto& [name, us] : units)
            if (unit == name) {
                total += number * us;
                known = true;
            }
        if (!known) return std::nullopt;
    }
    return sign * static_cast<int64_t>(std::llround(total));
}

void parseTimedatectlShow(const std::string& text, TimeStatus& s) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        const auto key = line.substr(0, eq);
        const auto value = trim(line.substr(eq + 1));
        if (key == "NTP") s.ntpEnabled = value == "yes";
        if (key == "NTPSynchronized") s.synchronized = value == "yes";
        if (key == "Timezone") s.timezone = value;
        if (key == "SystemNTPServers") s.systemServers = words(value);
        if (key == "FallbackNTPServers") s.fallbackServers = words(value);
        if (key == "LinkNTPServers") s.linkServers = words(value);
        if (key == "PollIntervalUSec") {
            if (auto us = integer(value))
                s.pollIntervalUs = us;
            else if (auto span = parseTimespanUs(value))
                s.pollIntervalUs = span;
        }
    }
}

void parseTimesyncStatus(const std::string& text, TimeStatus& s) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const auto key = trim(line.substr(0, colon));
        const auto value = trim(line.substr(colon + 1));
        if (key == "Server") s.server = value;
        if (key == "Stratum") {
            if (auto v = integer(value)) s.stratum = static_cast<int>(*v);
        }
        if (key == "Offset") s.offsetUs = parseTimespanUs(value);
        if (key == "Delay") s.delayUs = parseTimespanUs(value);
        if (key == "Jitter") s.jitterUs = parseTimespanUs(value);
        if (key == "Packet count") s.packetCount = integer(value);
        // "34min 8s (min: 32s; max 34min 8s)": the interval in use comes first.
        if (key == "Poll interval") s.pollIntervalUs = parseTimespanUs(value.substr(0, value.find('(')));
    }
}

TimeStatus readTimeStatus(const std::string& timedatectl, const std::string& syncFile) {
    TimeStatus s;
    const auto show = runProgram({timedatectl, "show"}, 5000);
    if (show.exitCode != 0) {
        s.error = trim(show.text.substr(0, 300));
        if (s.error.empty()) s.error = "timedatectl failed";
        return s;
    }
    s.available = true;
    parseTimedatectlShow(show.text, s);
    // timesyncd may be off or not running: then these fail and say nothing.
    if (const auto r = runProgram({timedatectl, "show-timesync"}, 5000); r.exitCode == 0)
        parseTimedatectlShow(r.text, s);
    if (const auto r = runProgram({timedatectl, "timesync-status"}, 5000); r.exitCode == 0)
        parseTimesyncStatus(r.text, s);
    struct stat st {};
    if (::stat(syncFile.c_str(), &st) == 0)
        s.lastSyncMs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
    return s;
}

}  // namespace medbox::console
