// The console's unit control rules with a fake systemd: which names reach the
// bus at all, the console's refusal to stop or restart itself (by name, by
// alias Id and by main PID), the mapping of systemd errors to API errors, the
// one audit row per action, and the scrubbing of journal lines. The real
// systemd is tested in tests/nspawn/units_test.sh.
#include "ConsoleTestEnv.h"
#include "domain/Units.h"
#include "core/error/AppError.h"
#include "core/audit/AuditRows.h"
#include "core/systemd/Error.h"

#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::console;
using medbox::systemd::ErrorCode;

namespace {

constexpr pid_t kOwnPid = 4242;

struct FakeState {
    std::vector<std::string> calls;  // "status medbox-x.service", "restart medbox-x.service", ...
    std::map<std::string, systemd::UnitStatus> units;
    std::optional<systemd::Error> failStatus;
    std::optional<systemd::Error> failRun;
    UnitBackend::JournalResult journal;
    systemd::JournalQuery lastQuery;
    std::optional<systemd::Error> failJournal;
};

class FakeBackend : public UnitBackend {
public:
    explicit FakeBackend(FakeState& s) : s_(s) {}
    std::vector<systemd::UnitStatus> list() override {
        s_.calls.push_back("list");
        std::vector<systemd::UnitStatus> out;
        for (const auto& [k, v] : s_.units) out.push_back(v);
        return out;
    }
    systemd::UnitStatus status(const std::string& unit) override {
        s_.calls.push_back("status " + unit);
        if (s_.failStatus) throw *s_.failStatus;
        auto it = s_.units.find(unit);
        if (it == s_.units.end()) throw systemd::Error(ErrorCode::NoSuchUnit, "unit " + unit + " not found");
        return it->second;
    }
    void run(UnitVerb verb, const std::string& unit, std::chrono::milliseconds) override {
        s_.calls.push_back(std::string(verbName(verb)) + " " + unit);
        if (s_.failRun) throw *s_.failRun;
        s_.units[unit].mainPid += 1;
    }
    JournalResult journal(const systemd::JournalQuery& q) override {
        s_.calls.push_back("journal " + q.unit + " " + std::to_string(q.limit));
        s_.lastQuery = q;
        if (s_.failJournal) throw *s_.failJournal;
        return s_.journal;
    }

private:
    FakeState& s_;
};

systemd::UnitStatus unit(const std::string& name, std::uint32_t pid) {
    systemd::UnitStatus s;
    s.name = name;
    s.loadState = "loaded";
    s.activeState = "active";
    s.subState = "running";
    s.mainPid = pid;
    return s;
}

class UnitsTest : public ::testing::Test {
protected:
    void SetUp() override {
        state_.units["medbox-booking.service"] = unit("medbox-booking.service", 100);
        state_.units["medbox-console.service"] = unit("medbox-console.service", kOwnPid);
        units_ = std::make_unique<Units>(*t_.env, std::make_unique<FakeBackend>(state_), kOwnPid);
    }

    std::vector<AuditRow> auditRows() {
        return db_->read([](db::Connection& c) { return auditRowsAfter(c, 0, 100); });
    }

    Err errOf(auto&& f) { return testenv::errOf(f, nullptr, &lastMessage_); }

    testenv::ConsoleTestEnv t_;
    std::unique_ptr<db::Database>& db_ = t_.db;
    FakeState state_;
    std::unique_ptr<Units> units_;
    std::string lastMessage_;
};

}  // namespace

TEST_F(UnitsTest, ShortNamesResolveAndOtherUnitsAreRefused) {
    EXPECT_EQ(Units::resolve("booking"), "medbox-booking.service");
    EXPECT_EQ(Units::resolve("medbox-booking"), "medbox-booking.service");
    EXPECT_EQ(Units::resolve("medbox-backup.timer"), "medbox-backup.timer");
    for (const std::string bad : {"systemd-journald.service", "ssh.service", "dbus.service", "medbox.target",
                                  "medbox-x@.service", "../medbox-booking.service", "medbox-Booking.service", ""}) {
        EXPECT_EQ(errOf([&] { Units::resolve(bad); }), Err::Forbidden) << bad;
    }
}

TEST_F(UnitsTest, RefusedNamesNeverReachSystemdAndAreAudited) {
    EXPECT_EQ(errOf([&] { units_->act("staff:root1", UnitVerb::Stop, "systemd-journald.service"); }), Err::Forbidden);
    EXPECT_NE(lastMessage_.find("not a medbox unit"), std::string::npos) << lastMessage_;
    EXPECT_EQ(errOf([&] { units_->get("ssh.service", 20); }), Err::Forbidden);
    EXPECT_TRUE(state_.calls.empty());
    const auto rows = auditRows();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].actor, "staff:root1");
    EXPECT_EQ(rows[0].action, "unit.stop");
    EXPECT_EQ(rows[0].target, "unit:?");
    EXPECT_EQ(rows[0].outcome, "denied");
    EXPECT_NE(rows[0].detail.find("\"requested\":\"systemd-journald.service\""), std::string::npos) << rows[0].detail;
    EXPECT_NE(rows[0].detail.find("not-a-medbox-unit"), std::string::npos) << rows[0].detail;
}

TEST_F(UnitsTest, RestartIsRunAndAuditedWithTheNewStatus) {
    const auto after = units_->act("staff:admin", UnitVerb::Restart, "booking");
    EXPECT_EQ(after.mainPid, 101u);
    EXPECT_EQ(state_.calls, (std::vector<std::string>{"status medbox-booking.service", "restart medbox-booking.service",
                                                      "status medbox-booking.service"}));
    const auto rows = auditRows();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].action, "unit.restart");
    EXPECT_EQ(rows[0].target, "unit:medbox-booking.service");
    EXPECT_EQ(rows[0].outcome, "ok");
}

TEST_F(UnitsTest, TheConsoleDoesNotStopOrRestartItself) {
    for (const std::string name : {"console", "medbox-console", "medbox-console.service"}) {
        EXPECT_EQ(errOf([&] { units_->act("staff:admin", UnitVerb::Stop, name); }), Err::Conflict) << name;
        EXPECT_EQ(errOf([&] { units_->act("staff:admin", UnitVerb::Restart, name); }), Err::Conflict) << name;
    }
    EXPECT_NE(lastMessage_.find("medboxctl restart console"), std::string::npos) << lastMessage_;
    EXPECT_TRUE(state_.calls.empty()) << "refused by name, before the bus";
    // Starting it is harmless (it is running: a no-op job).
    EXPECT_NO_THROW(units_->act("staff:admin", UnitVerb::Start, "console"));

    // An alias of the console's unit: systemd's Id gives it away.
    state_.units["medbox-alias.service"] = unit("medbox-console.service", kOwnPid);
    EXPECT_EQ(errOf([&] { units_->act("staff:admin", UnitVerb::Stop, "medbox-alias"); }), Err::Conflict);
    // A unit whose main process is this one (whatever its name).
    state_.units["medbox-other.service"] = unit("medbox-other.service", kOwnPid);
    EXPECT_EQ(errOf([&] { units_->act("staff:admin", UnitVerb::Restart, "other"); }), Err::Conflict);
    for (const auto& c : state_.calls) EXPECT_EQ(c.find("stop"), std::string::npos) << c;
    for (const auto& c : state_.calls) EXPECT_NE(c.rfind("restart", 0), 0u) << c;

    const auto rows = auditRows();
    ASSERT_EQ(rows.size(), 9u);
    EXPECT_EQ(rows[0].outcome, "denied");
    EXPECT_EQ(rows[0].target, "unit:medbox-console.service");
    EXPECT_NE(rows[0].detail.find("\"reason\":\"self\""), std::string::npos) << rows[0].detail;
    EXPECT_EQ(rows[6].outcome, "ok");  // the start
}

TEST_F(UnitsTest, SystemdErrorsBecomeAppErrorsAndAreAuditedAsFailed) {
    const std::vector<std::pair<ErrorCode, Err>> cases = {
        {ErrorCode::NoBus, Err::Unavailable},         {ErrorCode::NoSuchUnit, Err::NotFound},
        {ErrorCode::InvalidUnitName, Err::Forbidden}, {ErrorCode::AccessDenied, Err::UnitFailed},
        {ErrorCode::JobFailed, Err::UnitFailed},      {ErrorCode::Timeout, Err::UnitTimeout},
        {ErrorCode::BusError, Err::UnitFailed},
    };
    for (const auto& [code, err] : cases) {
        state_.failRun = systemd::Error(code, "boom");
        EXPECT_EQ(errOf([&] { units_->act("staff:admin", UnitVerb::Start, "booking"); }), err)
            << systemd::errorCodeName(code);
        if (code == ErrorCode::NoBus) {
            EXPECT_EQ(lastMessage_, "systemd is not reachable: boom");
        }
        if (code == ErrorCode::AccessDenied) {
            EXPECT_NE(lastMessage_.find("polkit"), std::string::npos);
        }
    }
    const auto rows = auditRows();
    ASSERT_EQ(rows.size(), cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const bool refusal = cases[i].first == ErrorCode::InvalidUnitName;  // an alias of a foreign unit
        EXPECT_EQ(rows[i].outcome, refusal ? "denied" : "failed") << rows[i].detail;
        EXPECT_NE(rows[i].detail.find(std::string(systemd::errorCodeName(cases[i].first))), std::string::npos)
            << rows[i].detail;
    }
    // Without a bus the list and the detail are 503 as well, not a crash.
    state_.failRun.reset();
    state_.failStatus = systemd::Error(ErrorCode::NoBus, "no socket");
    EXPECT_EQ(errOf([&] { units_->get("booking", 20); }), Err::Unavailable);
}

TEST_F(UnitsTest, DetailScrubsJournalLinesAndSaysWhenTheJournalIsUnreadable) {
    systemd::JournalLine line;
    line.identifier = "medbox-booking";
    line.message = "patient 110101199003071234 phone 13812345678 bad \xff byte";
    state_.journal.page.lines = {line};
    auto d = units_->get("booking", 5);
    ASSERT_EQ(d.journal.size(), 1u);
    EXPECT_EQ(d.journal[0].message, "patient 110***********1234 phone 138****5678 bad \xEF\xBF\xBD byte");
    EXPECT_TRUE(d.journalError.empty());
    EXPECT_EQ(state_.calls.back(), "journal medbox-booking.service 5");

    state_.journal = {};
    state_.journal.readable = false;
    d = units_->get("booking", 5);
    EXPECT_NE(d.journalError.find("systemd-journal"), std::string::npos) << d.journalError;
    EXPECT_EQ(d.status.mainPid, 100u);

    EXPECT_EQ(errOf([&] { units_->get("booking", 0); }), Err::InvalidField);
    EXPECT_EQ(errOf([&] { units_->get("booking", Units::kMaxJournalLines + 1); }), Err::InvalidField);
}

TEST_F(UnitsTest, JournalPagesResolveTheUnitScrubAndPassTheFilters) {
    systemd::JournalLine line;
    line.message = "patient 110101199003071234";
    line.cursor = "s=1;i=2";
    state_.journal.page.lines = {line};
    state_.journal.page.more = true;
    systemd::JournalQuery q;
    q.unit = "ssh.service";  // replaced by the resolved name, never trusted
    q.maxPriority = 3;
    q.text = "locked";
    q.before = "s=1;i=3";
    q.limit = 7;
    const auto j = units_->journal("booking", q);
    EXPECT_EQ(state_.lastQuery.unit, "medbox-booking.service");
    EXPECT_EQ(state_.lastQuery.maxPriority, 3);
    EXPECT_EQ(state_.lastQuery.text, "locked");
    EXPECT_EQ(state_.lastQuery.before, "s=1;i=3");
    EXPECT_EQ(state_.lastQuery.limit, 7u);
    ASSERT_EQ(j.page.lines.size(), 1u);
    EXPECT_EQ(j.page.lines[0].message, "patient 110***********1234");
    EXPECT_TRUE(j.page.more);

    // Not a medbox unit: 403 before the journal is opened.
    const auto calls = state_.calls.size();
    EXPECT_EQ(errOf([&] { units_->journal("ssh.service", q); }), Err::Forbidden);
    EXPECT_EQ(state_.calls.size(), calls);
    // A query the reader refuses (a forged cursor) is the caller's 400; a
    // journal that cannot be opened is said in the answer.
    state_.failJournal = systemd::Error(ErrorCode::InvalidArgument, "not a journal cursor");
    EXPECT_EQ(errOf([&] { units_->journal("booking", q); }), Err::InvalidField);
    state_.failJournal = systemd::Error(ErrorCode::JournalError, "cannot open the system journal");
    EXPECT_EQ(units_->journal("booking", q).journalError, "cannot open the system journal");
}

TEST(DisplayTextTest, KeepsValidUtf8AndReplacesInvalidBytes) {
    EXPECT_EQ(displayText("挂号 ok"), "挂号 ok");
    EXPECT_EQ(displayText("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
    EXPECT_EQ(displayText("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
    EXPECT_EQ(displayText("\xE6\x8C"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // truncated
    EXPECT_EQ(displayText("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");                  // U+1F600
}
