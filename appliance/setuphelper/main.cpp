// medbox-setup-helper: see src/SetupHelper.h and docs/console.md ("The
// privileged helper").
//   medbox-setup-helper                 one request on stdin, the answer on stdout
//                                       (systemd: medbox-setup-helper.socket, Accept=yes)
//   medbox-setup-helper --listen PATH   serve a Unix socket, one request per connection
//                                       (tests; the appliance uses socket activation)
// Options for tests: --root DIR (write files under DIR), --files-only (no
// hostnamectl/systemctl/networkctl), --firewall PROGRAM, --rauc PROGRAM,
// --update-bundle FILE (the console's upload; UpdateVerbs.h), --wireguard-go
// PROGRAM (the userspace WireGuard used where the kernel has no module).
#include "SetupHelper.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <cerrno>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

namespace {

using medbox::setuphelper::kMaxRequest;

std::string readRequest(int fd) {
    std::string in;
    char buf[4096];
    while (in.size() < kMaxRequest) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        if (in.find('\n') != std::string::npos) break;
    }
    return in;
}

void writeAll(int fd, const std::string& text) {
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

}  // namespace

int main(int argc, char** argv) {
    medbox::setuphelper::Options opt;
    std::string listen;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "medbox-setup-helper: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--root")
            opt.root = value();
        else if (a == "--firewall")
            opt.firewall = value();
        else if (a == "--rauc")
            opt.rauc = value();
        else if (a == "--update-bundle")
            opt.updateBundle = value();
        else if (a == "--wireguard-go")
            opt.wireguardGo = value();
        else if (a == "--files-only")
            opt.live = false;
        else if (a == "--listen")
            listen = value();
        else {
            std::cerr << "usage: medbox-setup-helper [--listen SOCKET] [--root DIR] [--files-only] [--firewall "
                         "PROGRAM] [--rauc PROGRAM] [--update-bundle FILE] [--wireguard-go PROGRAM]\n";
            return 2;
        }
    }
    ::umask(022);
    if (listen.empty()) {
        writeAll(1, medbox::setuphelper::serve(opt, readRequest(0)));
        return 0;
    }
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, listen.c_str(), sizeof addr.sun_path - 1);
    ::unlink(listen.c_str());
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0) {
        std::cerr << "medbox-setup-helper: cannot listen on " << listen << ": " << std::strerror(errno) << "\n";
        return 1;
    }
    ::chmod(listen.c_str(), 0600);
    std::cout << "listening on " << listen << std::endl;
    while (true) {
        const int c = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        writeAll(c, medbox::setuphelper::serve(opt, readRequest(c)));
        ::close(c);
    }
}
