#include "core/systemd/Error.h"
#include "core/systemd/Journal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;
using medbox::systemd::Error;
using medbox::systemd::ErrorCode;
using medbox::systemd::Journal;

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
