#include "core/systemd/Journal.h"

#include "core/systemd/Error.h"
#include "core/systemd/UnitName.h"

#include <systemd/sd-journal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <system_error>
#include <utility>

namespace medbox::systemd {

namespace {

std::string errnoText(int negativeErrno) { return std::error_code(-negativeErrno, std::generic_category()).message(); }

void check(int r, const std::string& what) {
    if (r < 0) throw Error(ErrorCode::JournalError, what + ": " + errnoText(r));
}

// The value of FIELD in the current entry, or empty when it is absent.
std::string field(sd_journal* j, const char* name) {
    const void* data = nullptr;
    size_t length = 0;
    if (sd_journal_get_data(j, name, &data, &length) < 0) return {};
    std::string_view raw(static_cast<const char*>(data), length);
    auto eq = raw.find('=');
    return eq == std::string_view::npos ? std::string() : std::string(raw.substr(eq + 1));
}

void addMatch(sd_journal* j, const std::string& match) {
    check(sd_journal_add_match(j, match.data(), match.size()), "cannot filter the journal");
}

}  // namespace

Journal Journal::openSystem() {
    sd_journal* j = nullptr;
    int r = sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
    check(r, "cannot open the system journal");
    return Journal(j);
}

Journal Journal::openDirectory(const std::string& directory) {
    sd_journal* j = nullptr;
    int r = sd_journal_open_directory(&j, directory.c_str(), 0);
    check(r, "cannot open the journal in " + directory);
    return Journal(j);
}

Journal::Journal(Journal&& other) noexcept : journal_(std::exchange(other.journal_, nullptr)) {}

Journal& Journal::operator=(Journal&& other) noexcept {
    if (this != &other) {
        sd_journal_close(journal_);
        journal_ = std::exchange(other.journal_, nullptr);
    }
    return *this;
}

Journal::~Journal() { sd_journal_close(journal_); }

std::vector<JournalLine> Journal::lastLines(std::string_view unit, std::size_t count) {
    if (count > kMaxLines) {
        throw Error(ErrorCode::InvalidArgument,
                    "at most " + std::to_string(kMaxLines) + " journal lines can be read at once");
    }
    requireMedboxUnitName(unit);
    if (count == 0) return {};
    JournalQuery query;
    query.unit = std::string(unit);
    query.limit = count;
    return read(query).lines;
}

namespace {

std::chrono::system_clock::time_point fromMicros(std::uint64_t usec) {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(usec)));
}

std::uint64_t toMicros(std::chrono::system_clock::time_point t) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
    return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

// sd-journal's cursors are "s=<hex>;i=<hex>;b=<hex>;m=<hex>;t=<hex>;x=<hex>".
void requireCursor(const std::string& cursor) {
    const bool shaped = cursor.size() <= Journal::kMaxCursorBytes && cursor.starts_with("s=") &&
                        std::all_of(cursor.begin(), cursor.end(), [](char c) {
                            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '=' || c == ';';
                        });
    if (!shaped) throw Error(ErrorCode::InvalidArgument, "not a journal cursor");
}

bool containsFolded(std::string_view haystack, std::string_view needle) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [&](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

// (_SYSTEMD_UNIT=u [AND PRIORITY<=p]) OR (_PID=1 AND UNIT=u [AND PRIORITY<=p]):
// matches on one field are ORed by sd-journal, different fields ANDed.
void filterUnit(sd_journal* j, const std::string& unit, int maxPriority) {
    auto priorities = [&] {
        if (maxPriority >= 7) return;  // all, including entries without PRIORITY
        for (int p = 0; p <= maxPriority; ++p) addMatch(j, "PRIORITY=" + std::to_string(p));
    };
    addMatch(j, "_SYSTEMD_UNIT=" + unit);
    priorities();
    check(sd_journal_add_disjunction(j), "cannot filter the journal");
    addMatch(j, "_PID=1");
    addMatch(j, "UNIT=" + unit);
    priorities();
}

std::string cursorHere(sd_journal* j) {
    char* c = nullptr;
    if (sd_journal_get_cursor(j, &c) < 0) return {};
    std::string cursor(c);
    free(c);
    return cursor;
}

JournalLine lineHere(sd_journal* j, std::uint64_t usec, std::string message) {
    JournalLine line;
    line.time = fromMicros(usec);
    line.identifier = field(j, "SYSLOG_IDENTIFIER");
    if (line.identifier.empty()) line.identifier = field(j, "_COMM");
    const std::string pid = field(j, "_PID");
    std::from_chars(pid.data(), pid.data() + pid.size(), line.pid);
    const std::string priority = field(j, "PRIORITY");
    if (priority.size() == 1 && priority[0] >= '0' && priority[0] <= '7') line.priority = priority[0] - '0';
    line.message = std::move(message);
    line.cursor = cursorHere(j);
    return line;
}

}  // namespace

JournalPage Journal::read(const JournalQuery& q) {
    requireMedboxUnitName(q.unit);
    if (q.limit > kMaxLines) {
        throw Error(ErrorCode::InvalidArgument,
                    "at most " + std::to_string(kMaxLines) + " journal lines can be read at once");
    }
    if (q.maxPriority < 0 || q.maxPriority > 7) throw Error(ErrorCode::InvalidArgument, "priority must be 0..7");
    if (!q.before.empty() && !q.after.empty()) {
        throw Error(ErrorCode::InvalidArgument, "page back (before) or follow (after), not both");
    }
    if (!q.before.empty()) requireCursor(q.before);
    if (!q.after.empty()) requireCursor(q.after);

    JournalPage page;
    if (q.limit == 0) return page;
    sd_journal* j = journal_;
    sd_journal_flush_matches(j);
    check(sd_journal_set_data_threshold(j, kMaxFieldBytes), "cannot limit journal field size");
    filterUnit(j, q.unit, q.maxPriority);

    const bool forward = !q.after.empty();
    const std::string& from = forward ? q.after : q.before;
    if (!from.empty()) {
        int r = sd_journal_seek_cursor(j, from.c_str());
        if (r == -EINVAL) throw Error(ErrorCode::InvalidArgument, "not a journal cursor");
        check(r, "cannot seek in the journal");
    } else if (q.until) {
        check(sd_journal_seek_realtime_usec(j, toMicros(*q.until)), "cannot seek in the journal");
    } else {
        check(sd_journal_seek_tail(j), "cannot seek in the journal");
    }
    const std::uint64_t sinceUs = q.since ? toMicros(*q.since) : 0;
    const std::uint64_t untilUs = q.until ? toMicros(*q.until) : UINT64_MAX;

    std::size_t scanned = 0;
    bool first = true;
    for (;;) {
        int r = forward ? sd_journal_next(j) : sd_journal_previous(j);
        check(r, "cannot read the journal");
        if (r == 0) break;
        // The cursor's own entry was shown on the previous page.
        if (first && !from.empty() && sd_journal_test_cursor(j, from.c_str()) > 0) {
            first = false;
            continue;
        }
        first = false;
        if (scanned++ == kMaxScanned) {
            // This entry was not examined: resume after the last one that was.
            page.scanLimited = true;
            if ((forward ? sd_journal_previous(j) : sd_journal_next(j)) > 0) page.resumeCursor = cursorHere(j);
            break;
        }
        std::uint64_t usec = 0;
        sd_journal_get_realtime_usec(j, &usec);
        if (forward ? usec > untilUs : usec < sinceUs) break;  // past the window's far end
        if (usec < sinceUs || usec > untilUs) continue;        // not yet inside it
        std::string message = field(j, "MESSAGE");
        if (!q.text.empty() && !containsFolded(message, q.text)) continue;
        if (page.lines.size() == q.limit) {
            page.more = true;
            break;
        }
        page.lines.push_back(lineHere(j, usec, std::move(message)));
    }
    if (!forward) std::reverse(page.lines.begin(), page.lines.end());
    sd_journal_flush_matches(j);
    return page;
}

std::uint64_t Journal::usageBytes() {
    std::uint64_t bytes = 0;
    check(sd_journal_get_usage(journal_, &bytes), "cannot read the journal's size");
    return bytes;
}

}  // namespace medbox::systemd
