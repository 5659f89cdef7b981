#include "Verbs.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace medbox::setuphelper {

// The output goes to a memory file, not a pipe: medbox-firewall may leave a
// detached waiter behind (its revert), which would hold a pipe open.
RunResult runCapture(const std::vector<std::string>& argv, size_t maxOutput, bool logOutput,
                     const std::vector<std::string>& envExtra) {
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
        std::vector<std::string> envText = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
        envText.insert(envText.end(), envExtra.begin(), envExtra.end());
        std::vector<char*> env;
        for (auto& e : envText) env.push_back(e.data());
        env.push_back(nullptr);
        ::execve(args[0], args.data(), env.data());
        _exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // The end of the output: where a failing program says why.
    struct stat st {};
    const off_t size = ::fstat(out, &st) == 0 ? st.st_size : 0;
    const off_t from = size > static_cast<off_t>(maxOutput) ? size - static_cast<off_t>(maxOutput) : 0;
    std::string output(static_cast<size_t>(size - from), '\0');
    const ssize_t n = ::pread(out, output.data(), output.size(), from);
    output.resize(n > 0 ? static_cast<size_t>(n) : 0);
    ::close(out);
    const int exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    // What the program said goes to the journal (StandardError=journal).
    if (!output.empty() && (logOutput || exitCode != 0))
        std::fprintf(stderr, "%s: %s\n", argv[0].c_str(), output.c_str());
    return {exitCode, output};
}

std::string run(const std::vector<std::string>& argv, size_t maxOutput, bool logOutput,
                const std::vector<std::string>& env) {
    auto r = runCapture(argv, maxOutput, logOutput, env);
    if (r.exitCode != 0) {
        while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' ')) r.output.pop_back();
        throw std::runtime_error(std::filesystem::path(argv[0]).filename().string() + " failed" +
                                 (r.output.empty() ? "" : ": " + r.output));
    }
    return r.output;
}

}  // namespace medbox::setuphelper
