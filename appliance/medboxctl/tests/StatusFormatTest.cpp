#include "StatusFormat.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

using namespace medbox::ctl;
using medbox::systemd::UnitStatus;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

// Fixed clock values, formatted in UTC so the test does not depend on the host's zone.
class StatusFormatTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (const char* tz = std::getenv("TZ")) oldTz_ = tz;
        setenv("TZ", "UTC", 1);
        tzset();
    }
    void TearDown() override {
        if (oldTz_.empty()) {
            unsetenv("TZ");
        } else {
            setenv("TZ", oldTz_.c_str(), 1);
        }
        tzset();
    }
    static TimePoint at(std::time_t t) { return std::chrono::system_clock::from_time_t(t); }
    std::string oldTz_;
};

}  // namespace

TEST_F(StatusFormatTest, Bytes) {
    EXPECT_EQ(formatBytes(0), "0B");
    EXPECT_EQ(formatBytes(1023), "1023B");
    EXPECT_EQ(formatBytes(1024), "1K");
    EXPECT_EQ(formatBytes(1536), "1.5K");
    EXPECT_EQ(formatBytes(12ull * 1024 * 1024 + 768 * 1024), "13M");
    EXPECT_EQ(formatBytes(9ull * 1024 * 1024 + 512 * 1024), "9.5M");
    EXPECT_EQ(formatBytes(5ull * 1024 * 1024 * 1024 / 2), "2.5G");
}

TEST_F(StatusFormatTest, Times) {
    EXPECT_EQ(formatTime(at(1747735201)), "2025-05-20 10:00:01");
    TimePoint now = at(1747735201);
    EXPECT_EQ(formatRelative(now, now), "now");
    EXPECT_EQ(formatRelative(now - seconds(42), now), "42s ago");
    EXPECT_EQ(formatRelative(now - minutes(3) - seconds(2), now), "3min 2s ago");
    EXPECT_EQ(formatRelative(now - hours(5), now), "5h ago");
    EXPECT_EQ(formatRelative(now - hours(50), now), "2 days 2h ago");
    EXPECT_EQ(formatRelative(now + hours(1) + minutes(5), now), "in 1h 5min");
}

TEST_F(StatusFormatTest, EscapesTerminalControlButKeepsChinese) {
    EXPECT_EQ(escapeForTerminal("plain text"), "plain text");
    EXPECT_EQ(escapeForTerminal("挂号服务 started"), "挂号服务 started");
    EXPECT_EQ(escapeForTerminal("\x1b[2Jgone"), "\\x1b[2Jgone");
    EXPECT_EQ(escapeForTerminal("a\rb\nc\td"), "a\\x0db\\x0ac\\x09d");
    EXPECT_EQ(escapeForTerminal("bad \xff utf8"), "bad \\xff utf8");
    EXPECT_EQ(escapeForTerminal("cut \xe6\x8c"), "cut \\xe6\\x8c");
    EXPECT_EQ(escapeForTerminal("c1 \xc2\x9b"
                                "31m"),
              "c1 \\xc2\\x9b31m");  // U+009B is CSI on some terminals
    EXPECT_EQ(escapeForTerminal("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
    EXPECT_EQ(escapeForTerminal(std::string("nul\0x", 5)), "nul\\x00x");
}

TEST_F(StatusFormatTest, TableAlignsColumnsAndMarksUnknowns) {
    UnitStatus booking;
    booking.name = "medbox-booking.service";
    booking.activeState = "active";
    booking.subState = "running";
    booking.activeSince = at(1747735201);
    booking.mainPid = 4242;
    booking.memoryBytes = 13 * 1024 * 1024;
    booking.restarts = 1;
    booking.unitFileState = "enabled";
    UnitStatus timer;
    timer.name = "medbox-backup.timer";
    timer.activeState = "inactive";
    timer.subState = "dead";
    std::string table = formatUnitTable({booking, timer});
    EXPECT_EQ(table,
              "UNIT                    ACTIVE    SUB      SINCE                PID   MEMORY  RESTARTS  ENABLED\n"
              "medbox-booking.service  active    running  2025-05-20 10:00:01  4242  13M     1         enabled\n"
              "medbox-backup.timer     inactive  dead     -                    -     -       -         -\n");
}

TEST_F(StatusFormatTest, DetailOfAServiceAndATimer) {
    TimePoint now = at(1747735201);
    UnitStatus s;
    s.name = "medbox-demo.service";
    s.description = "Demo \x1b[31m";
    s.loadState = "loaded";
    s.fragmentPath = "/etc/systemd/system/medbox-demo.service";
    s.unitFileState = "enabled";
    s.activeState = "active";
    s.subState = "running";
    s.activeSince = now - minutes(3);
    s.mainPid = 77;
    s.restarts = 2;
    std::string d = formatUnitDetail(s, now);
    EXPECT_NE(d.find("medbox-demo.service - Demo \\x1b[31m\n"), std::string::npos) << d;
    EXPECT_NE(d.find("Loaded:   loaded (/etc/systemd/system/medbox-demo.service; enabled)"), std::string::npos) << d;
    EXPECT_NE(d.find("Active:   active (running) since 2025-05-20 09:57:01; 3min ago"), std::string::npos) << d;
    EXPECT_NE(d.find("Main PID: 77\n"), std::string::npos) << d;
    EXPECT_NE(d.find("Memory:   -\n"), std::string::npos) << d;
    EXPECT_NE(d.find("Restarts: 2\n"), std::string::npos) << d;
    EXPECT_EQ(d.find("Next:"), std::string::npos) << d;

    UnitStatus t;
    t.name = "medbox-backup.timer";
    t.loadState = "loaded";
    t.activeState = "active";
    t.subState = "waiting";
    t.nextElapse = now + hours(2);
    std::string td = formatUnitDetail(t, now);
    EXPECT_NE(td.find("Next:     2025-05-20 12:00:01; in 2h"), std::string::npos) << td;
    EXPECT_NE(td.find("Last:     -"), std::string::npos) << td;
    EXPECT_EQ(td.find("Main PID"), std::string::npos) << td;
}

TEST_F(StatusFormatTest, JournalLines) {
    medbox::systemd::JournalLine a{at(1747735201), "medbox-demo", 77, "hello \x1b]0;pwned\x07"};
    medbox::systemd::JournalLine b{at(1747735202), "systemd", 1, "Started medbox-demo.service."};
    EXPECT_EQ(formatJournal({a, b}),
              "2025-05-20 10:00:01 medbox-demo[77]: hello \\x1b]0;pwned\\x07\n"
              "2025-05-20 10:00:02 systemd[1]: Started medbox-demo.service.\n");
}
