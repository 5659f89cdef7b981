#pragma once
// The lines a medbox unit wrote to the journal (sd-journal): the last few for
// "medboxctl status UNIT", and filtered pages (priority, time, text) read
// backwards or followed forwards by cursor for the console's log viewer.
//
// Ownership and threads: a Journal owns one sd_journal handle, which is not
// thread-safe; one thread uses an instance at a time. Open it for one query
// (it is cheap) or keep it per owner; movable, not copyable.
// Errors are thrown as medbox::systemd::Error; nothing is logged here.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
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
    int priority = 6;        // PRIORITY, syslog's 0 (emerg) .. 7 (debug); 6 (info) when absent
    std::string cursor{};    // sd-journal's cursor of this entry: where a next page starts
};

// Which lines of one unit to read (Journal::read).
struct JournalQuery {
    std::string unit;
    // Lines at this syslog priority or more urgent: 3 gives emerg..err.
    int maxPriority = 7;
    std::optional<std::chrono::system_clock::time_point> since, until;
    // Case-insensitive (ASCII) substring of MESSAGE; empty matches all.
    std::string text;
    std::size_t limit = 100;
    // At most one cursor (from JournalLine::cursor): `before` pages back to
    // older lines, `after` follows newer ones. With neither, the newest lines.
    std::string before, after;
};

struct JournalPage {
    std::vector<JournalLine> lines;  // oldest first
    // The page is full and at least one more matching line exists beyond it:
    // older (reading backwards) or newer (reading forwards, `after`).
    bool more = false;
    // The scan stopped at kMaxScanned entries before filling the page (a rare
    // text or priority over a long journal): continue from the cursor of the
    // last entry examined, `resumeCursor`, rather than mistake this for the end.
    bool scanLimited = false;
    std::string resumeCursor;
};

class Journal {
public:
    // A caller-controlled count must not make us read the whole journal.
    static constexpr std::size_t kMaxLines = 10000;
    // Longer fields are cut by sd-journal (a hostile unit can log megabytes).
    static constexpr std::size_t kMaxFieldBytes = 64 * 1024;
    // Entries one read() examines at most, matching or not: a filter that
    // matches nothing must not make one request walk a journal of gigabytes.
    static constexpr std::size_t kMaxScanned = 50000;
    // A cursor is "s=...;i=...;b=...;m=...;t=...;x=..." (about 150 bytes).
    static constexpr std::size_t kMaxCursorBytes = 512;

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

    // One page of a unit's lines as the query says. Throws
    // Error(InvalidUnitName) for other units, Error(InvalidArgument) for a
    // limit above kMaxLines, a priority outside 0..7, both cursors, or a
    // cursor that is not one of sd-journal's.
    JournalPage read(const JournalQuery& query);

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
