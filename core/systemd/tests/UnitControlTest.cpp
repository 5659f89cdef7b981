// What can be tested without a systemd: connection failures must be a clear
// Error(NoBus), never a crash or a hang. The operations themselves are tested
// against a real systemd in tests/nspawn/medboxctl_test.sh.
#include "core/systemd/Error.h"
#include "core/systemd/UnitControl.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <optional>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace fs = std::filesystem;
using medbox::systemd::Error;
using medbox::systemd::ErrorCode;
using medbox::systemd::UnitControl;

namespace {

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "unitcontrol-XXXXXX").string();
        path_ = mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (old_) {
            setenv(name_, old_->c_str(), 1);
        } else {
            unsetenv(name_);
        }
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

ErrorCode codeOf(auto&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << "no Error thrown";
    return ErrorCode::BusError;
}

}  // namespace

TEST(UnitControlTest, NoSystemBusIsAClearError) {
    TempDir dir;
    const std::string address = "unix:path=" + (dir.path() / "no-such-socket").string();
    ScopedEnv env("DBUS_SYSTEM_BUS_ADDRESS", address);
    try {
        UnitControl::connectSystem();
        FAIL() << "connected without a bus";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NoBus);
        std::string what = e.what();
        EXPECT_NE(what.find("cannot connect to the system bus at " + address), std::string::npos) << what;
        EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
        EXPECT_NE(what.find("PID 1"), std::string::npos) << what;
    }
}

TEST(UnitControlTest, ExplicitAddressWithoutListenerIsNoBus) {
    TempDir dir;
    // A socket file nobody listens on: connect() is refused.
    fs::path socketPath = dir.path() / "dead.sock";
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, socketPath.c_str(), sizeof sa.sun_path - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa), 0);
    close(fd);  // bound, never listened: ECONNREFUSED
    EXPECT_EQ(codeOf([&] { UnitControl::connectAddress("unix:path=" + socketPath.string()); }), ErrorCode::NoBus);
    EXPECT_EQ(codeOf([&] { UnitControl::connectAddress("not-an-address"); }), ErrorCode::NoBus);
}

TEST(UnitControlTest, BusWithoutSystemdIsNoBus) {
    // A private dbus-daemon is a bus on which nobody owns org.freedesktop.systemd1.
    if (!fs::exists("/usr/bin/dbus-daemon")) GTEST_SKIP() << "dbus-daemon not installed";
    TempDir dir;
    fs::path socketPath = dir.path() / "bus";
    fs::path config = dir.path() / "bus.conf";
    std::ofstream(config) << "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                             " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                             "<busconfig><type>custom</type><listen>unix:path="
                          << socketPath.string()
                          << "</listen><auth>EXTERNAL</auth><policy context=\"default\">"
                             "<allow send_destination=\"*\" eavesdrop=\"true\"/><allow eavesdrop=\"true\"/>"
                             "<allow own=\"*\"/></policy></busconfig>\n";
    std::string configArg = "--config-file=" + config.string();
    char* argv[] = {const_cast<char*>("dbus-daemon"), configArg.data(), const_cast<char*>("--nofork"),
                    const_cast<char*>("--nopidfile"), nullptr};
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, "/usr/bin/dbus-daemon", nullptr, nullptr, argv, environ), 0);
    // Ends the daemon we started, by its PID, however the test leaves.
    struct Reaper {
        pid_t pid;
        ~Reaper() {
            kill(pid, SIGTERM);
            int status = 0;
            waitpid(pid, &status, 0);
        }
    } reaper{pid};
    for (int i = 0; i < 200 && !fs::exists(socketPath); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(fs::exists(socketPath)) << "dbus-daemon did not start";

    try {
        UnitControl::connectAddress("unix:path=" + socketPath.string());
        ADD_FAILURE() << "a bus without systemd was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::NoBus);
        EXPECT_NE(std::string(e.what()).find("systemd does not answer"), std::string::npos) << e.what();
    }
}
