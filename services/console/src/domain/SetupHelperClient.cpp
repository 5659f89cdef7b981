#include "domain/SetupHelperClient.h"

#include "core/error/AppError.h"

#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace medbox::console {

namespace {

// Answers are small; anything longer is not our helper.
constexpr size_t kMaxAnswer = 64 * 1024;

class SocketHelper final : public SetupHelper {
public:
    SocketHelper(std::string path, int timeoutSeconds) : path_(std::move(path)), timeoutMs_(timeoutSeconds * 1000) {}

    Poco::JSON::Object::Ptr call(const std::string& verb, const Poco::JSON::Object::Ptr& args) override {
        Poco::JSON::Object request;
        if (args)
            for (const auto& [k, v] : *args) request.set(k, v);
        request.set("verb", verb);
        std::ostringstream line;
        request.stringify(line);
        line << '\n';

        const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) unreachable(std::strerror(errno));
        struct Closer {
            int fd;
            ~Closer() { ::close(fd); }
        } closer{fd};
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) unreachable(std::strerror(errno));
        const std::string out = line.str();
        for (size_t sent = 0; sent < out.size();) {
            const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) unreachable(std::strerror(errno));
            sent += static_cast<size_t>(n);
        }
        ::shutdown(fd, SHUT_WR);
        std::string in;
        char buf[4096];
        while (in.size() < kMaxAnswer) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, timeoutMs_) <= 0)
                throw AppError(Err::UnitTimeout, "the setup helper did not answer " + verb + " in time");
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0) unreachable(std::strerror(errno));
            if (n == 0) break;
            in.append(buf, static_cast<size_t>(n));
            if (in.find('\n') != std::string::npos) break;  // one answer line; no need to wait for EOF
        }
        Poco::JSON::Object::Ptr answer;
        try {
            answer = Poco::JSON::Parser().parse(in).extract<Poco::JSON::Object::Ptr>();
        } catch (const std::exception&) {
            throw AppError(Err::UnitFailed, "the setup helper's answer to " + verb + " is not JSON");
        }
        if (!answer || !answer->optValue("ok", false))
            throw AppError(Err::UnitFailed,
                           "the setup helper refused " + verb + ": " +
                               (answer ? answer->optValue<std::string>("error", "no reason given") : "no answer"));
        return answer;
    }

private:
    [[noreturn]] void unreachable(const std::string& why) const {
        throw AppError(Err::Unavailable, "the setup helper (" + path_ + ") cannot be reached: " + why);
    }

    std::string path_;
    int timeoutMs_;
};

}  // namespace

std::unique_ptr<SetupHelper> socketHelper(std::string socketPath, int timeoutSeconds) {
    return std::make_unique<SocketHelper>(std::move(socketPath), timeoutSeconds);
}

}  // namespace medbox::console
