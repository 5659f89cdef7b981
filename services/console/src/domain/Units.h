#pragma once
// Appliance control in the console: status of medbox's systemd units, their
// recent journal lines, and start/stop/restart — with the same code as
// medboxctl (core/systemd: UnitName, UnitControl, Journal).
//
// Rules (docs/console.md, "Units"):
//   - only medbox units: the name is resolved and checked with
//     systemd::resolveMedboxUnit() before anything is sent to the bus
//     ("booking" -> medbox-booking.service; "ssh.service" -> 403), and
//     core/systemd checks systemd's own Id of the loaded unit again (aliases);
//   - the console never stops or restarts itself (409): by name before the
//     bus, then by systemd's Id and main PID of the loaded unit;
//   - every start/stop/restart leaves one audit row (ok, denied or failed),
//     written once the outcome is known (systemd is not part of the
//     database transaction: a job that succeeded stays done even if the
//     audit write then fails, and the caller gets that error);
//   - journal lines go through mask::scrub and are made valid UTF-8.
// systemd errors become AppError: no bus 503, no such unit 404, a refusal
// (not ours) 403, a failed or refused job 502, a job timeout 504.
//
// Owned by ConsoleApp for the process lifetime; thread-safe
// (each call opens its own bus connection / journal handle).
#include "domain/ConsoleEnv.h"
#include "core/systemd/Journal.h"
#include "core/systemd/UnitControl.h"
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace medbox::console {

enum class UnitVerb { Start, Stop, Restart };
const char* verbName(UnitVerb verb);

// What the console needs from systemd. systemBackend() is the real one
// (core/systemd over the system bus and the local journal); tests use fakes.
// Implementations throw medbox::systemd::Error.
class UnitBackend {
public:
    virtual ~UnitBackend() = default;
    virtual std::vector<systemd::UnitStatus> list() = 0;
    virtual systemd::UnitStatus status(const std::string& unit) = 0;
    virtual void run(UnitVerb verb, const std::string& unit, std::chrono::milliseconds timeout) = 0;
    // One page of the unit's journal; `readable` false when no journal file
    // could be opened at all (permissions), so that "no lines" is not
    // mistaken for "nothing logged".
    struct JournalResult {
        systemd::JournalPage page;
        bool readable = true;
    };
    virtual JournalResult journal(const systemd::JournalQuery& query) = 0;
};

std::unique_ptr<UnitBackend> systemBackend();

// A page of the log viewer: lines scrubbed, the page's flags as read.
struct UnitJournal {
    systemd::JournalPage page;  // lines oldest first, scrubbed
    std::string journalError;   // empty when the journal was read
};

struct UnitDetail {
    systemd::UnitStatus status;
    std::vector<systemd::JournalLine> journal;  // oldest first, scrubbed
    std::string journalError;                   // empty when the journal was read
};

class Units {
public:
    // The console's own unit (appliance/systemd/medbox-console.service).
    static constexpr const char* kOwnUnit = "medbox-console.service";
    // start/stop/restart wait this long for systemd's job (TimeoutStartSec= of
    // the medbox units is 90 s); after that 504, and systemd keeps going.
    static constexpr std::chrono::seconds kJobTimeout{90};
    static constexpr std::size_t kMaxJournalLines = 200;
    static constexpr std::size_t kDefaultJournalLines = 20;
    // The log viewer's default page and the longest text filter it takes.
    static constexpr std::size_t kDefaultJournalPage = 100;
    static constexpr std::size_t kMaxJournalText = 200;

    // ownPid: this process (the main PID of the console's unit).
    Units(ConsoleEnv& env, std::unique_ptr<UnitBackend> backend, pid_t ownPid);

    // Every medbox unit systemd knows about.
    std::vector<systemd::UnitStatus> list();
    // One unit and its last `lines` journal lines (1..kMaxJournalLines).
    UnitDetail get(const std::string& requested, std::size_t lines);
    // The log viewer: a page of one unit's journal as `query` says (its
    // `unit` is replaced by the resolved `requested`). 400 for a bad query.
    UnitJournal journal(const std::string& requested, systemd::JournalQuery query);
    // start/stop/restart; returns the unit's status after the job.
    // `actor` is the audit actor ("staff:alice").
    systemd::UnitStatus act(const std::string& actor, UnitVerb verb, const std::string& requested);

    // "booking" -> "medbox-booking.service"; AppError(Forbidden) for names
    // that are not medbox units. Pure; no bus.
    static std::string resolve(const std::string& requested);
    static bool isSelf(const std::string& unit) { return unit == kOwnUnit; }

private:
    // One page from the backend, scrubbed; systemd::Error passes through.
    UnitJournal readJournal(const systemd::JournalQuery& query);
    void record(const std::string& actor, UnitVerb verb, const std::string& unit, const std::string& requested,
                const std::string& outcome, const std::string& reason, const std::string& error);

    ConsoleEnv& env_;
    std::unique_ptr<UnitBackend> backend_;
    pid_t ownPid_;
};

// Valid UTF-8 (invalid bytes become U+FFFD) with personal data scrubbed
// (mask::scrub): what a journal line or a unit description may be shown as.
std::string displayText(std::string_view raw);

}  // namespace medbox::console
