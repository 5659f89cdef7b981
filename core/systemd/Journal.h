#pragma once
// The last lines a medbox unit wrote to the journal (sd-journal), for
// "medboxctl status UNIT" and the console's unit page.
//
// Ownership and threads: a Journal owns one sd_journal handle, which is not
// thread-safe; one thread uses an instance at a time. Open it for one query
// (it is cheap) or keep it per owner; movable, not copyable.
// Errors are thrown as medbox::systemd::Error; nothing is logged here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

typedef struct sd_journal sd_journal;

namespace medbox::systemd {

struct JournalLine {
    std::chrono::system_clock::time_point time;
    std::string identifier;  // SYSLOG_IDENTIFIER, else _COMM
    pid_t pid = 0;           // _PID, 0 if absent
    std::string message;     // MESSAGE as logged: may hold any bytes, escape before printing
};

class Journal {
public:
    // A caller-controlled count must not make us read the whole journal.
    static constexpr std::size_t kMaxLines = 10000;
    // Longer fields are cut by sd-journal (a hostile unit can log megabytes).
    static constexpr std::size_t kMaxFieldBytes = 64 * 1024;

    // The local system journal (/run/log/journal and /var/log/journal).
    static Journal openSystem();
    // Journal files in one directory (tests, or a copied journal).
    static Journal openDirectory(const std::string& directory);

    Journal(Journal&& other) noexcept;
    Journal& operator=(Journal&& other) noexcept;
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;
    ~Journal();

    // The last `count` entries of a medbox unit, oldest first: what the unit's
    // processes logged (_SYSTEMD_UNIT=) and what systemd logged about it
    // (UNIT= from PID 1, e.g. "Started ..."), as "journalctl -u" shows.
    // Throws Error(InvalidUnitName) for other units, Error(InvalidArgument)
    // above kMaxLines.
    std::vector<JournalLine> lastLines(std::string_view unit, std::size_t count);

    // Bytes of journal files this handle could open. 0 means it could read
    // none: no journal at all, or (the usual case) a caller that is neither
    // root nor in group systemd-journal, for whom sd-journal silently skips
    // the system journal and lastLines() finds nothing.
    std::uint64_t usageBytes();

private:
    explicit Journal(sd_journal* journal) noexcept : journal_(journal) {}
    sd_journal* journal_ = nullptr;
};

}  // namespace medbox::systemd
