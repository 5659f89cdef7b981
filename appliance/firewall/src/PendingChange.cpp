#include "PendingChange.h"

#include "ApplyProfile.h"
#include "Cli.h"
#include "Nft.h"
#include "RulesetGenerator.h"

#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <ostream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace medbox::firewall {

namespace {

struct Pending {
    std::string id;
    long long deadlineMs = 0;
};

long long nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string newId() {
    unsigned char bytes[8] = {};
    if (FILE* f = std::fopen("/dev/urandom", "rb")) {
        if (std::fread(bytes, 1, sizeof bytes, f) != sizeof bytes) bytes[0] ^= static_cast<unsigned char>(nowMs());
        std::fclose(f);
    }
    char hex[17];
    for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
    return hex;
}

std::optional<Pending> readPending(const StatePaths& paths) {
    const auto text = readSmallFile(paths.pendingId(), 256);
    if (!text) return std::nullopt;
    Pending p;
    std::istringstream in(*text);
    if (!(in >> p.id >> p.deadlineMs)) p.id = "unreadable";  // still pending: revert whatever it was
    return p;
}

void removePending(const StatePaths& paths) {
    // pending.id first: without it nothing is pending any more.
    for (const auto& f : {paths.pendingId(), paths.pendingProfile(), paths.rollback()}) ::unlink(f.c_str());
}

std::string selfPath() {
    char buf[PATH_MAX];
    const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "/usr/sbin/medbox-firewall";
}

// systemd as PID 1 of our own network namespace: its timer acts where we do.
bool systemdCanRevert() {
    const char* forced = std::getenv("MEDBOX_FIREWALL_REVERT_BY");
    if (forced && std::string(forced) == "waiter") return false;
    if (::access("/run/systemd/system", F_OK) != 0) return false;
    char a[64] = {};
    char b[64] = {};
    if (::readlink("/proc/1/ns/net", a, sizeof a - 1) <= 0 || ::readlink("/proc/self/ns/net", b, sizeof b - 1) <= 0)
        return false;
    return std::string(a) == b;
}

int runAndWait(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A transient timer in PID 1: outlives the SSH session, the shell and this
// process; gone after a reboot, like the change itself.
bool scheduleBySystemd(const Pending& p, long seconds, const StatePaths& paths, std::string& how) {
    const std::string unit = "medbox-firewall-revert-" + p.id;
    std::vector<std::string> argv{"systemd-run",
                                  "--quiet",
                                  "--unit=" + unit,
                                  "--description=medbox-firewall: revert the unconfirmed change " + p.id,
                                  "--on-active=" + std::to_string(seconds) + "s",
                                  "--timer-property=AccuracySec=100ms",
                                  "--setenv=MEDBOX_FIREWALL_STATE_DIR=" + paths.stateDir,
                                  "--setenv=MEDBOX_FIREWALL_RUN_DIR=" + paths.runDir};
    if (const char* nic = std::getenv("MEDBOX_MANAGEMENT_NIC"))
        argv.push_back(std::string("--setenv=MEDBOX_MANAGEMENT_NIC=") + nic);
    for (const auto& a : {selfPath(), std::string("revert"), std::string("--id"), p.id}) argv.push_back(a);
    if (runAndWait(argv) != 0) return false;
    how = "systemd timer " + unit + ".timer";
    return true;
}

// A detached process in a session of its own that ignores SIGHUP: outlives
// the applying process and its terminal. Its output goes to revert.log.
bool scheduleByWaiter(const Pending& p, long seconds, const StatePaths& paths, std::string& how) {
    const std::string self = selfPath();
    if (::access(self.c_str(), X_OK) != 0) return false;
    const std::string after = std::to_string(seconds);
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) return false;
    const pid_t child = ::fork();
    if (child < 0) return false;
    if (child == 0) {
        ::setsid();
        if (::fork() != 0) ::_exit(0);  // the waiter is not a session leader: no terminal can reach it
        std::signal(SIGHUP, SIG_IGN);
        const int null = ::open("/dev/null", O_RDONLY);
        const int log = ::open(paths.revertLog().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        ::dup2(null, 0);
        if (log >= 0) {
            ::dup2(log, 1);
            ::dup2(log, 2);
        }
        ::chdir("/");
        const char* argv[] = {"medbox-firewall", "revert", "--id", p.id.c_str(), "--after", after.c_str(), nullptr};
        ::execv(self.c_str(), const_cast<char* const*>(argv));
        const char failed = 1;
        (void)::write(ready[1], &failed, 1);
        ::_exit(127);
    }
    ::close(ready[1]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    // exec closed the pipe (CLOEXEC) without writing: the waiter runs.
    char failed = 0;
    const auto n = ::read(ready[0], &failed, 1);
    ::close(ready[0]);
    if (n > 0) return false;
    how = "a detached waiter; its log: " + paths.revertLog();
    return true;
}

bool scheduleRevert(const Pending& p, long seconds, const StatePaths& paths, std::string& how) {
    if (systemdCanRevert() && scheduleBySystemd(p, seconds, paths, how)) return true;
    return scheduleByWaiter(p, seconds, paths, how);
}

// Puts rollback.nft back; the caller holds the lock. Returns an exit code.
int restoreRollback(const StatePaths& paths, std::ostream& err) {
    const auto listing = readSmallFile(paths.rollback(), 16 * 1024 * 1024);
    Nft nft;
    if (listing && replaceRuleset(nft, restoreBuffer(*listing), "revert", err)) {
        removePending(paths);
        return kExitOk;
    }
    // Cannot happen with a listing nftables wrote itself; if it does, the
    // confirmed profile (or the default boot profile) is the safe state.
    err << "revert: the previous ruleset could not be restored; loading the saved profile instead\n";
    removePending(paths);
    return kExitNftables;
}

std::string timeNow() {
    const auto t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

}  // namespace

bool changePending(const StatePaths& paths) { return fileExists(paths.pendingId()); }

void forgetPending(const StatePaths& paths) {
    StateLock lock(paths.lock());
    removePending(paths);
}

int applyWithConfirm(const std::string& path, const FirewallConfig& config, long seconds, const StatePaths& paths,
                     std::ostream& out, std::ostream& err) {
    StateLock lock(paths.lock());
    if (!lock.held()) {
        err << path << ": cannot lock " << paths.lock() << ", nothing changed\n";
        return kExitState;
    }
    if (changePending(paths)) {
        err << path << ": refused, nothing changed: an earlier change waits for its confirmation "
            << "(medbox-firewall confirm, or medbox-firewall revert)\n";
        return kExitRefused;
    }
    const auto profile = readSmallFile(path, kMaxConfigBytes);
    const auto buffer = transactionBuffer(config);
    Nft nft;
    if (const auto checked = nft.check(buffer); !checked.ok || !profile) {
        err << path << ": nftables rejected the generated ruleset, nothing changed:\n" << checked.error;
        return kExitNftables;
    }
    // Everything the revert needs is on disk before the new ruleset loads.
    Pending p{newId(), nowMs() + seconds * 1000};
    std::string problem = writeFileAtomically(paths.rollback(), runningTable(nft), 0600);
    if (problem.empty()) problem = writeFileAtomically(paths.pendingProfile(), *profile, 0600);
    if (problem.empty())
        problem = writeFileAtomically(paths.pendingId(), p.id + " " + std::to_string(p.deadlineMs) + "\n", 0600);
    std::string how;
    if (problem.empty() && !scheduleRevert(p, seconds, paths, how)) problem = "cannot start the revert timer";
    if (!problem.empty()) {
        removePending(paths);
        err << path << ": " << problem << "; nothing changed\n";
        return kExitState;
    }
    if (!replaceRuleset(nft, buffer, path, err)) {
        removePending(paths);  // the scheduled revert finds nothing to do
        return kExitNftables;
    }
    out << "applied " << path << " (model " << modelName(config.model) << ", sha256 " << config.digest.substr(0, 16)
        << "); open vendor windows were closed\n"
        << "confirm within " << seconds << " s from a new connection (a new SSH session): medbox-firewall confirm\n"
        << "otherwise the previous ruleset comes back by itself (" << how << ")\n";
    return kExitOk;
}

int confirmChange(const StatePaths& paths, std::ostream& out, std::ostream& err) {
    StateLock lock(paths.lock());
    const auto p = readPending(paths);
    if (!p) {
        err << "confirm: no change waits for confirmation\n";
        return kExitNotPending;
    }
    if (nowMs() > p->deadlineMs) {
        // The revert is due (a late timer must not be overtaken).
        err << "confirm: too late, the confirmation window has closed; reverting to the previous ruleset\n";
        restoreRollback(paths, err);
        return kExitRefused;
    }
    const auto profile = readSmallFile(paths.pendingProfile(), kMaxConfigBytes);
    const std::string problem = profile ? writeFileAtomically(paths.active(), *profile, 0600)
                                        : "cannot read " + paths.pendingProfile();
    if (!problem.empty()) {
        err << "confirm: " << problem << "; the change is still pending and will be reverted\n";
        return kExitState;
    }
    removePending(paths);
    out << "confirmed: the profile is saved as " << paths.active() << " and loads at every boot\n";
    return kExitOk;
}

int revertChange(const StatePaths& paths, const std::string& onlyId, long afterSeconds, std::ostream& out,
                 std::ostream& err) {
    if (afterSeconds > 0) std::this_thread::sleep_for(std::chrono::seconds(afterSeconds));
    StateLock lock(paths.lock());
    const auto p = readPending(paths);
    if (!p || (!onlyId.empty() && p->id != onlyId)) {
        if (onlyId.empty()) {
            err << "revert: no change waits for confirmation\n";
            return kExitNotPending;
        }
        out << timeNow() << " revert " << onlyId << ": nothing to do (confirmed or reverted)\n";
        return kExitOk;
    }
    const int rc = restoreRollback(paths, err);
    if (rc == kExitOk)
        out << timeNow() << " revert " << p->id << ": "
            << (onlyId.empty() ? "reverted on request" : "not confirmed in time") << "; the previous ruleset is back\n";
    return rc;
}

}  // namespace medbox::firewall
