#pragma once
// The console's side of the privileged setup helper (appliance/setuphelper,
// docs/console.md "The privileged helper"): one JSON request line over the
// helper's Unix socket, one JSON answer line back. The console runs
// unprivileged; the helper runs as root with a fixed set of verbs and checks
// every argument again. Thread-safe (a connection per call).
#include <Poco/JSON/Object.h>

#include <memory>
#include <string>

namespace medbox::console {

class SetupHelper {
public:
    virtual ~SetupHelper() = default;
    // Sends {"verb": verb, ...args}; returns the answer object when it says
    // "ok": true. Throws AppError: 503 when the helper cannot be reached,
    // 502 with the helper's message when it refused or failed.
    virtual Poco::JSON::Object::Ptr call(const std::string& verb, const Poco::JSON::Object::Ptr& args) = 0;
};

// The real helper at `socketPath`; each call waits at most timeoutSeconds.
std::unique_ptr<SetupHelper> socketHelper(std::string socketPath, int timeoutSeconds = 60);

}  // namespace medbox::console
