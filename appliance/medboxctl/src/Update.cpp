#include "Update.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace medbox::ctl {

std::string checkBundlePath(const std::string& path) {
    if (path.empty() || path.size() > 4096) throw std::invalid_argument("bundle path must be 1 to 4096 characters");
    if (path.find('\0') != std::string::npos) throw std::invalid_argument("bundle path contains a NUL byte");
    std::error_code ec;
    auto abs = std::filesystem::absolute(path, ec);
    if (ec) throw std::invalid_argument("bundle path " + path + ": " + ec.message());
    if (abs.extension() != ".raucb") throw std::invalid_argument("a bundle's name ends in .raucb: " + path);
    struct stat st {};
    if (::stat(abs.c_str(), &st) != 0) throw std::invalid_argument(path + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw std::invalid_argument(path + ": not a regular file");
    if (::access(abs.c_str(), R_OK) != 0) throw std::invalid_argument(path + ": " + std::strerror(errno));
    return abs.lexically_normal().string();
}

int runRaucInstall(const std::string& raucProgram, const std::string& bundle, std::ostream& out) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<std::string> argv = {raucProgram, "install", bundle};
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, raucProgram.c_str(), &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        throw std::runtime_error("cannot run " + raucProgram + ": " + std::strerror(rc));
    }
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n > 0) {
            out.write(buf, n);
            out.flush();
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace medbox::ctl
