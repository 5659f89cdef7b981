#pragma once

#include <optional>
#include <string>

namespace medbox::firewall {

// Where medbox-firewall keeps what must outlive one command (docs/firewall.md,
// "State files"):
//   stateDir (/etc/medbox/firewall)  active.json: the confirmed profile, the
//                                    one `boot` loads
//   runDir (/run/medbox-firewall)    a change applied with --confirm-within:
//                                    pending.json, rollback.nft, pending.id;
//                                    on tmpfs, so a reboot forgets it and
//                                    loads active.json
// MEDBOX_FIREWALL_STATE_DIR and MEDBOX_FIREWALL_RUN_DIR override them (tests,
// a namespace of one's own).
struct StatePaths {
    std::string stateDir;
    std::string runDir;

    static StatePaths fromEnvironment();
    std::string active() const { return stateDir + "/active.json"; }
    std::string pendingProfile() const { return runDir + "/pending.json"; }
    std::string rollback() const { return runDir + "/rollback.nft"; }
    std::string pendingId() const { return runDir + "/pending.id"; }
    std::string lock() const { return runDir + "/lock"; }
    std::string revertLog() const { return runDir + "/revert.log"; }
};

// Writes a temporary file beside `path`, fsyncs it, renames it over `path`
// and fsyncs the folder: readers see the old file or the new one, never a
// part, even across a power cut. Creates the folder (0755) if needed.
// Returns an error message, empty on success.
std::string writeFileAtomically(const std::string& path, const std::string& bytes, unsigned mode);

// The whole file, at most maxBytes; nothing if it is missing or larger.
std::optional<std::string> readSmallFile(const std::string& path, std::size_t maxBytes);

bool fileExists(const std::string& path);

// An exclusive flock(2) on a file, held while the object lives: apply,
// confirm and revert of a pending change never interleave.
class StateLock {
public:
    explicit StateLock(const std::string& path);  // blocks; creates the folder and file
    ~StateLock();
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;
    bool held() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

}  // namespace medbox::firewall
