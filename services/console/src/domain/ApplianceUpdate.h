#pragma once
// Updates from the console (docs/update.md, "From the console"): receive a
// RAUC bundle in pieces into <data.dir>/updates/bundle.raucb, have the setup
// helper install it into the other root slot (RAUC checks signature and
// compatible; the console never does), reboot on request, and after the
// reboot say whether the new slot booted and was marked good or the machine
// fell back. Every change is audited (appliance.update_*). Thread-safe: one
// install at a time runs on its own thread, the page polls state().
#include "domain/RaucStatus.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace medbox::console {

class ConsoleEnv;
class SetupHelper;

class ApplianceUpdate {
public:
    // helper: status and reboot; installer: the same helper with a timeout as
    // long as an install may take. bundlePath: the fixed file the helper's
    // update-install verb reads; bootIdFile: /proc/sys/kernel/random/boot_id.
    ApplianceUpdate(ConsoleEnv& env, std::shared_ptr<SetupHelper> helper, std::shared_ptr<SetupHelper> installer,
                    std::string bundlePath, int64_t maxBundleBytes,
                    std::string bootIdFile = "/proc/sys/kernel/random/boot_id");
    ~ApplianceUpdate();

    // Slots (or why they cannot be read), the upload, the running or last
    // install, and the outcome of the last install after a reboot.
    Poco::JSON::Object::Ptr state();
    // Bytes at `offset` of the upload: 0 starts a new one; any other offset
    // must be the size received so far (a piece sent twice is refused).
    Poco::JSON::Object::Ptr receive(int64_t offset, const std::string& bytes);
    // The upload is whole at `size` bytes: it becomes the bundle (audited).
    Poco::JSON::Object::Ptr finishUpload(const std::string& username, int64_t size);
    // Starts installing the bundle into the other slot (409 while one runs).
    Poco::JSON::Object::Ptr install(const std::string& username);
    // Reboots into the newly installed slot (409 unless an install succeeded
    // in this boot).
    Poco::JSON::Object::Ptr reboot(const std::string& username);

private:
    void audit(const std::string& actor, const std::string& action, const Poco::JSON::Object::Ptr& detail,
               const std::string& outcome = "ok");
    std::string bootId() const;
    Poco::JSON::Object::Ptr lastInstall() const;
    void saveLastInstall(const Poco::JSON::Object::Ptr& record) const;
    void runInstall(const std::string& username, const std::string& targetSlot, const std::string& fromSlot);

    ConsoleEnv& env_;
    std::shared_ptr<SetupHelper> helper_;
    std::shared_ptr<SetupHelper> installer_;
    std::string bundle_;
    std::string part_;
    std::string lastFile_;
    int64_t maxBytes_;
    std::string bootIdFile_;

    std::mutex mu_;
    std::string job_ = "idle";  // idle, installing, installed, failed
    std::string jobError_{};
    std::string jobOutput_{};
    std::string jobStartedAt_{};
    std::string jobFinishedAt_{};
    std::string jobBy_{};
    std::thread worker_{};
};

}  // namespace medbox::console
