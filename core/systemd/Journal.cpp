#include "core/systemd/Journal.h"

#include "core/systemd/Error.h"
#include "core/systemd/UnitName.h"

#include <systemd/sd-journal.h>

#include <algorithm>
#include <charconv>
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
    requireMedboxUnitName(unit);
    if (count > kMaxLines) {
        throw Error(ErrorCode::InvalidArgument,
                    "at most " + std::to_string(kMaxLines) + " journal lines can be read at once");
    }
    std::vector<JournalLine> lines;
    if (count == 0) return lines;

    sd_journal* j = journal_;
    sd_journal_flush_matches(j);
    check(sd_journal_set_data_threshold(j, kMaxFieldBytes), "cannot limit journal field size");
    const std::string name(unit);
    // (_SYSTEMD_UNIT=u) OR (_PID=1 AND UNIT=u)
    addMatch(j, "_SYSTEMD_UNIT=" + name);
    check(sd_journal_add_disjunction(j), "cannot filter the journal");
    addMatch(j, "_PID=1");
    addMatch(j, "UNIT=" + name);

    check(sd_journal_seek_tail(j), "cannot seek in the journal");
    while (lines.size() < count) {
        int r = sd_journal_previous(j);
        check(r, "cannot read the journal");
        if (r == 0) break;
        JournalLine line;
        std::uint64_t usec = 0;
        if (sd_journal_get_realtime_usec(j, &usec) >= 0) {
            line.time = std::chrono::system_clock::time_point(
                std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds(usec)));
        }
        line.identifier = field(j, "SYSLOG_IDENTIFIER");
        if (line.identifier.empty()) line.identifier = field(j, "_COMM");
        std::string pid = field(j, "_PID");
        std::from_chars(pid.data(), pid.data() + pid.size(), line.pid);
        line.message = field(j, "MESSAGE");
        lines.push_back(std::move(line));
    }
    std::reverse(lines.begin(), lines.end());
    sd_journal_flush_matches(j);
    return lines;
}

std::uint64_t Journal::usageBytes() {
    std::uint64_t bytes = 0;
    check(sd_journal_get_usage(journal_, &bytes), "cannot read the journal's size");
    return bytes;
}

}  // namespace medbox::systemd
