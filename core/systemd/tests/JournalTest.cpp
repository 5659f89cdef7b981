#include "core/systemd/Error.h"
#include "core/systemd/Journal.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using medbox::systemd::Error;
using medbox::systemd::ErrorCode;
using medbox::systemd::Journal;
using medbox::systemd::JournalQuery;
using Clock = std::chrono::system_clock;

namespace {

struct EmptyJournalDir {
    fs::path path;
    EmptyJournalDir() {
        std::string pattern = (fs::temp_directory_path() / "journal-XXXXXX").string();
        path = mkdtemp(pattern.data());
    }
    ~EmptyJournalDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
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

TEST(JournalTest, EmptyJournalGivesNoLines) {
    EmptyJournalDir dir;
    auto journal = Journal::openDirectory(dir.path.string());
    EXPECT_TRUE(journal.lastLines("medbox-booking.service", 10).empty());
    EXPECT_TRUE(journal.lastLines("medbox-booking.service", 0).empty());
}

TEST(JournalTest, RefusesOtherUnits) {
    EmptyJournalDir dir;
    auto journal = Journal::openDirectory(dir.path.string());
    EXPECT_EQ(codeOf([&] { journal.lastLines("ssh.service", 10); }), ErrorCode::InvalidUnitName);
    // A match string with '=' inside must not widen the filter.
    EXPECT_EQ(codeOf([&] { journal.lastLines("medbox-a.service _PID=1", 10); }), ErrorCode::InvalidUnitName);
}

TEST(JournalTest, LimitsTheLineCount) {
    EmptyJournalDir dir;
    auto journal = Journal::openDirectory(dir.path.string());
    EXPECT_NO_THROW(journal.lastLines("medbox-a.service", Journal::kMaxLines));
    EXPECT_EQ(codeOf([&] { journal.lastLines("medbox-a.service", Journal::kMaxLines + 1); }),
              ErrorCode::InvalidArgument);
}

TEST(JournalTest, MissingDirectoryIsAJournalError) {
    EXPECT_EQ(codeOf([] { Journal::openDirectory("/nonexistent/medbox-journal-test"); }), ErrorCode::JournalError);
}

TEST(JournalTest, NoReadableFileMeansNoUsage) {
    // What a caller outside group systemd-journal sees of the system journal:
    // no file opened, no error, and no lines (the console reports this).
    EmptyJournalDir dir;
    auto journal = Journal::openDirectory(dir.path.string());
    EXPECT_EQ(journal.usageBytes(), 0u);
}

namespace {

// Real journal files: entries in journalctl's export format piped through
// systemd-journal-remote, which writes them as journald would.
struct Entry {
    std::int64_t second;  // seconds after kT0
    std::string unit;     // _SYSTEMD_UNIT
    int priority = 6;
    std::string message;
    bool fromPid1 = false;  // systemd's own line about `unit` (UNIT=, _PID=1)
};
constexpr std::int64_t kT0 = 1764750000;  // 2025-12-03T08:20:00Z

Clock::time_point at(std::int64_t second) { return Clock::time_point(std::chrono::seconds(kT0 + second)); }

void writeJournal(const fs::path& file, const std::vector<Entry>& entries) {
    const char* tool = "/lib/systemd/systemd-journal-remote";
    ASSERT_TRUE(fs::exists(tool)) << "package systemd-journal-remote (.ci/packages-medboxctl.txt)";
    const std::string cmd = std::string(tool) + " -o " + file.string() + " - 2>/dev/null";
    FILE* pipe = popen(cmd.c_str(), "w");
    ASSERT_NE(pipe, nullptr);
    // One boot: the monotonic clock must rise with the wall clock across
    // files too, or sd-journal interleaves files by it in another order.
    std::uint64_t tick = 0;
    for (const auto& e : entries) {
        const std::uint64_t mono = static_cast<std::uint64_t>(e.second) * 1000000 + ++tick;
        std::string text = "__REALTIME_TIMESTAMP=" + std::to_string((kT0 + e.second) * 1000000) + "\n" +
                           "__MONOTONIC_TIMESTAMP=" + std::to_string(mono) + "\n" +
                           "_BOOT_ID=0123456789abcdef0123456789abcdef\n" + "PRIORITY=" + std::to_string(e.priority) +
                           "\n" + "MESSAGE=" + e.message + "\n";
        text += e.fromPid1 ? "_PID=1\nUNIT=" + e.unit + "\nSYSLOG_IDENTIFIER=systemd\n"
                           : "_PID=42\n_SYSTEMD_UNIT=" + e.unit + "\nSYSLOG_IDENTIFIER=medbox\n";
        text += "\n";
        fwrite(text.data(), 1, text.size(), pipe);
    }
    ASSERT_EQ(pclose(pipe), 0);
}

// A query built step by step: Q(unit).priority(3).text("x").
struct Q {
    JournalQuery q;
    explicit Q(std::string unit) { q.unit = std::move(unit); }
    Q& priority(int p) { return q.maxPriority = p, *this; }
    Q& since(Clock::time_point t) { return q.since = t, *this; }
    Q& until(Clock::time_point t) { return q.until = t, *this; }
    Q& text(std::string t) { return q.text = std::move(t), *this; }
    Q& limit(std::size_t n) { return q.limit = n, *this; }
    Q& before(std::string c) { return q.before = std::move(c), *this; }
    Q& after(std::string c) { return q.after = std::move(c), *this; }
    operator const JournalQuery&() const { return q; }
};

std::vector<std::string> messages(const medbox::systemd::JournalPage& page) {
    std::vector<std::string> out;
    for (const auto& l : page.lines) out.push_back(l.message);
    return out;
}

std::vector<std::string> numbered(int from, int to) {  // "line <from>" .. "line <to - 1>"
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back("line " + std::to_string(i));
    return out;
}

}  // namespace

TEST(JournalTest, PagesBackFromTheNewestLinesByCursor) {
    EmptyJournalDir dir;
    std::vector<Entry> entries;
    for (int i = 0; i < 25; ++i) {
        entries.push_back({i, "medbox-booking.service", 6, "line " + std::to_string(i)});
        entries.push_back({i, "medbox-console.service", 6, "console " + std::to_string(i)});
    }
    writeJournal(dir.path / "a.journal", entries);
    auto journal = Journal::openDirectory(dir.path.string());

    JournalQuery q = Q("medbox-booking.service").limit(10).q;
    auto page = journal.read(q);
    EXPECT_EQ(messages(page), numbered(15, 25));
    EXPECT_TRUE(page.more);
    EXPECT_EQ(page.lines.front().time, at(15));
    EXPECT_EQ(page.lines.front().pid, 42);
    EXPECT_EQ(page.lines.front().identifier, "medbox");

    q.before = page.lines.front().cursor;
    page = journal.read(q);
    EXPECT_EQ(messages(page), numbered(5, 15));
    EXPECT_TRUE(page.more);

    q.before = page.lines.front().cursor;
    page = journal.read(q);
    EXPECT_EQ(messages(page), numbered(0, 5));
    EXPECT_FALSE(page.more);

    // lastLines is the first page.
    EXPECT_EQ(journal.lastLines("medbox-booking.service", 3).back().message, "line 24");
}

TEST(JournalTest, FollowsNewerLinesAfterACursor) {
    EmptyJournalDir dir;
    writeJournal(dir.path / "a.journal",
                 {{0, "medbox-booking.service", 6, "line 0"}, {1, "medbox-booking.service", 6, "line 1"}});
    std::string cursor;
    {
        auto journal = Journal::openDirectory(dir.path.string());
        auto page = journal.read(Q("medbox-booking.service"));
        ASSERT_EQ(messages(page), numbered(0, 2));
        cursor = page.lines.back().cursor;
        EXPECT_TRUE(journal.read(Q("medbox-booking.service").after(cursor)).lines.empty());
    }
    writeJournal(dir.path / "b.journal", {{2, "medbox-booking.service", 6, "line 2"},
                                          {3, "medbox-console.service", 6, "console 3"},
                                          {4, "medbox-booking.service", 6, "line 3"},
                                          {5, "medbox-booking.service", 6, "line 4"}});
    auto journal = Journal::openDirectory(dir.path.string());
    auto page = journal.read(Q("medbox-booking.service").limit(2).after(cursor));
    EXPECT_EQ(messages(page), numbered(2, 4));  // oldest first, the cursor's own line not repeated
    EXPECT_TRUE(page.more);
    page = journal.read(Q("medbox-booking.service").limit(2).after(page.lines.back().cursor));
    EXPECT_EQ(messages(page), numbered(4, 5));
    EXPECT_FALSE(page.more);
}

TEST(JournalTest, FiltersByPriorityTimeAndText) {
    EmptyJournalDir dir;
    writeJournal(dir.path / "a.journal", {{0, "medbox-booking.service", 6, "Started fine"},
                                          {1, "medbox-booking.service", 3, "database is LOCKED"},
                                          {2, "medbox-booking.service", 4, "slow answer"},
                                          {3, "medbox-booking.service", 2, "disk full"},
                                          {4, "medbox-booking.service", 7, "debug detail"},
                                          {5, "medbox-console.service", 0, "console emergency"}});
    auto journal = Journal::openDirectory(dir.path.string());
    const std::string u = "medbox-booking.service";
    EXPECT_EQ(messages(journal.read(Q(u).priority(3))), (std::vector<std::string>{"database is LOCKED", "disk full"}));
    EXPECT_EQ(journal.read(Q(u).priority(3)).lines.front().priority, 3);
    EXPECT_EQ(messages(journal.read(Q(u).since(at(1)).until(at(2)))),
              (std::vector<std::string>{"database is LOCKED", "slow answer"}));
    EXPECT_EQ(messages(journal.read(Q(u).text("locked"))), (std::vector<std::string>{"database is LOCKED"}));
    EXPECT_EQ(messages(journal.read(Q(u).priority(4).text("S"))),
              (std::vector<std::string>{"database is LOCKED", "slow answer", "disk full"}));
    EXPECT_TRUE(journal.read(Q(u).text("emergency")).lines.empty());
}

TEST(JournalTest, IncludesWhatSystemdSaidAboutTheUnitOnly) {
    EmptyJournalDir dir;
    Entry started{0, "medbox-booking.service", 6, "Started medbox booking.", true};
    Entry other{1, "medbox-console.service", 6, "Started medbox console.", true};
    writeJournal(dir.path / "a.journal", {started, other, {2, "medbox-booking.service", 6, "listening"}});
    auto journal = Journal::openDirectory(dir.path.string());
    auto page = journal.read(Q("medbox-booking.service"));
    EXPECT_EQ(messages(page), (std::vector<std::string>{"Started medbox booking.", "listening"}));
    EXPECT_EQ(page.lines.front().pid, 1);
}

TEST(JournalTest, RefusesBadQueries) {
    EmptyJournalDir dir;
    auto journal = Journal::openDirectory(dir.path.string());
    const std::string u = "medbox-booking.service";
    for (const std::string& cursor : {std::string("garbage"), std::string("s=abc;i=1\n_PID=1"),
                                      "s=" + std::string(Journal::kMaxCursorBytes, 'a')}) {
        EXPECT_EQ(codeOf([&] { journal.read(Q(u).before(cursor)); }), ErrorCode::InvalidArgument) << cursor;
        EXPECT_EQ(codeOf([&] { journal.read(Q(u).after(cursor)); }), ErrorCode::InvalidArgument) << cursor;
    }
    EXPECT_EQ(codeOf([&] { journal.read(Q(u).before("s=1").after("s=1")); }), ErrorCode::InvalidArgument);
    EXPECT_EQ(codeOf([&] { journal.read(Q(u).priority(8)); }), ErrorCode::InvalidArgument);
    EXPECT_EQ(codeOf([&] { journal.read(Q(u).priority(-1)); }), ErrorCode::InvalidArgument);
    EXPECT_EQ(codeOf([&] { journal.read(Q(u).limit(Journal::kMaxLines + 1)); }), ErrorCode::InvalidArgument);
    EXPECT_EQ(codeOf([&] { journal.read(Q("ssh.service")); }), ErrorCode::InvalidUnitName);
}

TEST(JournalTest, AFilterThatMatchesNothingStopsAtTheScanLimitAndSaysWhere) {
    EmptyJournalDir dir;
    std::vector<Entry> entries;
    const int n = static_cast<int>(Journal::kMaxScanned) + 100;
    entries.push_back({0, "medbox-booking.service", 6, "needle"});
    for (int i = 1; i <= n; ++i) entries.push_back({i, "medbox-booking.service", 6, "hay"});
    writeJournal(dir.path / "a.journal", entries);
    auto journal = Journal::openDirectory(dir.path.string());
    auto page = journal.read(Q("medbox-booking.service").text("needle"));
    EXPECT_TRUE(page.lines.empty());
    ASSERT_TRUE(page.scanLimited);
    page = journal.read(Q("medbox-booking.service").text("needle").before(page.resumeCursor));
    EXPECT_EQ(messages(page), (std::vector<std::string>{"needle"}));
    EXPECT_FALSE(page.scanLimited);
}
