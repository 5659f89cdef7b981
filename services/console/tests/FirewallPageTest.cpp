// The firewall page's rules on a real console database with a scripted
// helper: drafts validated by the firewall's own parser (errors name the key
// path as the API's field), the ruleset diff, apply/confirm/revert and the
// revert the firewall does by itself, each audited; and the time panel's
// parsers on timedatectl's output.
#include "ConsoleTestEnv.h"
#include "core/audit/AuditRows.h"
#include "domain/FirewallPage.h"
#include "domain/RulesetDiff.h"
#include "domain/TimeStatus.h"

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace medbox;
using namespace medbox::console;
using Poco::JSON::Object;
using testenv::errOf;

namespace {

Object::Ptr parse(const std::string& json) { return Poco::JSON::Parser().parse(json).extract<Object::Ptr>(); }

const char* kProfile = R"({"model": "frontend",
  "interfaces": {"dmz": "dmz0", "lan": "lan0", "management": "mgmt0"},
  "management": {"admin_subnets": ["10.10.9.0/24"]},
  "lan": {"peers": [{"name": "his", "address": "10.10.2.10", "tcp": [8080]}], "staff": ["10.10.3.0/24"]}})";

// Answers firewall-state from what the test sets; records the other verbs.
class ScriptedHelper : public SetupHelper {
public:
    Object::Ptr call(const std::string& verb, const Object::Ptr& args) override {
        std::ostringstream s;
        if (args) args->stringify(s);
        calls.push_back(verb + " " + s.str());
        if (verb == failOn) throw AppError(Err::UnitFailed, "the setup helper refused " + verb + ": test");
        Object::Ptr o = new Object;
        o->set("ok", true);
        if (verb == "firewall-state") {
            o->set("active", active ? Poco::Dynamic::Var(active) : Poco::Dynamic::Var());
            o->set("activeModifiedMs", 1'767'225'600'000LL);
            if (pendingDeadline) {
                Object::Ptr p = new Object;
                p->set("id", "abc");
                p->set("deadlineMs", *pendingDeadline);
                o->set("pending", p);
            } else {
                o->set("pending", Poco::Dynamic::Var());
            }
            o->set("status", parse(R"({"comment":"medbox model=frontend","drops":{"input":3,"forward":0,"output":1},)"
                                   R"("zones":[{"zone":"dmz","in":3,"out":1}],"windows":[]})"));
            o->set("revertLog", "reverted");
        }
        if (verb == "firewall-check") {
            o->set("valid", true);
            o->set("output", "");
        }
        return o;
    }
    Object::Ptr active;
    std::optional<int64_t> pendingDeadline;
    std::string failOn;
    std::vector<std::string> calls;
};

class FirewallPageTest : public ::testing::Test {
protected:
    void SetUp() override {
        ConsoleConfig c;
        c.firewallTime.appliedFile = (std::filesystem::path(dir_.path()) / "firewall-applied.json").string();
        t_ = std::make_unique<testenv::ConsoleTestEnv>(c);
        auto h = std::make_unique<ScriptedHelper>();
        helper_ = h.get();
        helper_->active = parse(kProfile);
        page_ = std::make_unique<FirewallPage>(*t_->env, std::move(h));
    }
    std::vector<AuditRow> audit() const {
        return t_->db->read([](db::Connection& c) { return auditRowsAfter(c, 0, 100); });
    }

    testutil::TempDir dir_;
    std::unique_ptr<testenv::ConsoleTestEnv> t_;
    ScriptedHelper* helper_ = nullptr;
    std::unique_ptr<FirewallPage> page_;
};

TEST(RulesetDiffTest, SameTextHasNoChanges) {
    const auto d = diffLines("a\nb\nc\n", "a\nb\nc\n");
    EXPECT_EQ(d.added, 0u);
    EXPECT_EQ(d.removed, 0u);
    EXPECT_TRUE(d.lines.empty());
}

TEST(RulesetDiffTest, ChangesWithContextAndSkippedLines) {
    std::string before, after;
    for (int i = 0; i < 20; ++i) {
        before += "line " + std::to_string(i) + "\n";
        after += (i == 10 ? std::string("changed 10") : "line " + std::to_string(i)) + "\n";
    }
    after += "new last\n";
    const auto d = diffLines(before, after, 2);
    EXPECT_EQ(d.added, 2u);
    EXPECT_EQ(d.removed, 1u);
    ASSERT_FALSE(d.lines.empty());
    EXPECT_EQ(d.lines.front().op, '@');
    EXPECT_EQ(d.lines.front().text, "8 unchanged lines");
    std::string ops;
    for (const auto& l : d.lines) ops += l.op;
    // 2 context, -10 +10, 2 context, skip, 2 context, +last
    EXPECT_EQ(ops, "@  -+  @  +");
    EXPECT_EQ(d.lines[3].text, "line 10");
    EXPECT_EQ(d.lines[4].text, "changed 10");
}

TEST(RulesetDiffTest, FromNothingEverythingIsAdded) {
    const auto d = diffLines("", "x\ny\n");
    EXPECT_EQ(d.added, 2u);
    ASSERT_EQ(d.lines.size(), 2u);
    EXPECT_EQ(d.lines[0].op, '+');
}

TEST_F(FirewallPageTest, DraftsAreValidatedByTheFirewallsParserWithTheKeyPathAsField) {
    EXPECT_NE(page_->validate(parse(kProfile)).find("table inet medbox"), std::string::npos);
    std::string field, message;
    auto bad = parse(kProfile);
    bad->getObject("management")->set("admin_subnets", parse(R"({"a":["10.10.9.1/24"]})")->getArray("a"));
    EXPECT_EQ(errOf([&] { page_->validate(bad); }, &field, &message), Err::InvalidField);
    EXPECT_EQ(field, "profile.management.admin_subnets[0]");
    EXPECT_NE(message.find("did you mean 10.10.9.0/24"), std::string::npos) << message;

    auto twoErrors = parse(kProfile);
    twoErrors->getObject("lan")->set(
        "peers", parse(R"({"a":[{"name":"his","address":"10.10.2.10","tcp":[70000]}]})")->getArray("a"));
    twoErrors->set("extra", 1);
    EXPECT_EQ(errOf([&] { page_->validate(twoErrors); }, &field, &message), Err::InvalidField);
    // Every error in the message, the first one as the field.
    EXPECT_NE(message.find("lan.peers[0].tcp[0]"), std::string::npos) << message;
    EXPECT_NE(message.find("extra"), std::string::npos) << message;
    EXPECT_EQ(errOf([&] { page_->validate(nullptr); }, &field), Err::MissingField);
    EXPECT_TRUE(helper_->calls.empty());  // nothing reached the helper
}

TEST_F(FirewallPageTest, DiffAgainstTheRunningProfile) {
    auto draft = parse(kProfile);
    draft->getObject("lan")->set("staff", parse(R"({"a":["10.10.4.0/24"]})")->getArray("a"));
    const auto d = page_->diff(draft);
    EXPECT_GE(d.added, 1u);
    EXPECT_GE(d.removed, 1u);
    bool sawNew = false, sawOld = false;
    for (const auto& l : d.lines) {
        if (l.op == '+' && l.text.find("10.10.4.0/24") != std::string::npos) sawNew = true;
        if (l.op == '-' && l.text.find("10.10.3.0/24") != std::string::npos) sawOld = true;
    }
    EXPECT_TRUE(sawNew);
    EXPECT_TRUE(sawOld);
    // No saved profile: everything is new.
    helper_->active = nullptr;
    const auto fresh = page_->diff(draft);
    EXPECT_EQ(fresh.removed, 0u);
    EXPECT_GT(fresh.added, 50u);
}

TEST_F(FirewallPageTest, ApplyConfirmAndEveryStepAudited) {
    const auto a = page_->apply("admin1", parse(kProfile), 30);
    EXPECT_EQ(a->getValue<int>("confirmSeconds"), 30);
    ASSERT_EQ(helper_->calls.size(), 2u);
    EXPECT_EQ(helper_->calls[0], "firewall-state ");
    EXPECT_NE(helper_->calls[1].find("firewall-apply {\"confirmSeconds\":30,\"profile\":{"), std::string::npos)
        << helper_->calls[1];
    helper_->pendingDeadline = t_->clock.nowMs() + 30'000;
    // A second apply while one waits is refused.
    EXPECT_EQ(errOf([&] { page_->apply("admin1", parse(kProfile), 30); }), Err::Conflict);
    const auto s = page_->state();
    EXPECT_EQ(s->getObject("pending")->getValue<std::string>("appliedBy"), "admin1");
    EXPECT_EQ(s->getValue<std::string>("lastOutcome"), "pending");

    t_->clock.advanceMs(5'000);
    page_->confirm("admin2");
    helper_->pendingDeadline.reset();
    EXPECT_EQ(helper_->calls.back().rfind("firewall-state", 0), 0u);  // confirm answers the new state
    const auto after = page_->state();
    EXPECT_EQ(after->getValue<std::string>("appliedBy"), "admin2");
    EXPECT_EQ(after->getValue<std::string>("lastOutcome"), "confirmed");
    EXPECT_TRUE(after->isNull("pending"));
    EXPECT_EQ(after->getObject("running")->getArray("zones")->getObject(0)->getValue<int>("in"), 3);

    const auto rows = audit();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].action, "firewall.apply");
    EXPECT_EQ(rows[0].actor, "staff:admin1");
    EXPECT_NE(rows[0].detail.find("\"confirmSeconds\":30"), std::string::npos);
    EXPECT_EQ(rows[1].action, "firewall.confirm");
    EXPECT_EQ(rows[1].actor, "staff:admin2");
    // Nothing waits now: a confirm is a conflict.
    EXPECT_EQ(errOf([&] { page_->confirm("admin2"); }), Err::Conflict);
}

// Established connections survive a new ruleset: a confirm must come over
// a connection accepted after the apply.
TEST_F(FirewallPageTest, ConfirmOverAConnectionOlderThanTheApplyIsRefused) {
    const auto opened = t_->clock.nowMs();
    t_->clock.advanceMs(1'000);
    page_->apply("admin1", parse(kProfile), 30);
    helper_->pendingDeadline = t_->clock.nowMs() + 30'000;
    std::string field;
    EXPECT_EQ(errOf([&] { page_->confirm("admin1", opened); }, &field), Err::Conflict);
    EXPECT_EQ(field, "connection");
    EXPECT_EQ(helper_->calls.back().rfind("firewall-state", 0), 0u) << "the helper was not asked to confirm";
    t_->clock.advanceMs(1'000);
    page_->confirm("admin1", t_->clock.nowMs());
    EXPECT_EQ(page_->state()->getValue<std::string>("lastOutcome"), "confirmed");
}

TEST_F(FirewallPageTest, NotConfirmedTheRevertIsNoticedAndAuditedOnce) {
    page_->apply("admin1", parse(kProfile), 10);
    helper_->pendingDeadline = t_->clock.nowMs() + 10'000;
    page_->state();
    // The firewall's own timer reverted: no pending change any more.
    t_->clock.advanceMs(11'000);
    helper_->pendingDeadline.reset();
    EXPECT_EQ(page_->state()->getValue<std::string>("lastOutcome"), "reverted");
    page_->state();
    const auto rows = audit();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].action, "firewall.revert");
    EXPECT_EQ(rows[1].actor, "system:medbox-firewall");
    EXPECT_NE(rows[1].detail.find("not confirmed in time"), std::string::npos);
    EXPECT_EQ(errOf([&] { page_->confirm("admin1"); }), Err::Conflict);
}

TEST_F(FirewallPageTest, HelperFailuresAreAuditedAsFailed) {
    helper_->failOn = "firewall-apply";
    EXPECT_EQ(errOf([&] { page_->apply("admin1", parse(kProfile), 60); }), Err::UnitFailed);
    const auto rows = audit();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].outcome, "failed");
    EXPECT_TRUE(page_->state()->isNull("lastOutcome"));
}

TEST(TimeStatusTest, Timespans) {
    EXPECT_EQ(parseTimespanUs("+1.107ms"), 1107);
    EXPECT_EQ(parseTimespanUs("-2min 3.5s"), -123'500'000);
    EXPECT_EQ(parseTimespanUs("483us"), 483);
    EXPECT_EQ(parseTimespanUs("34min 8s"), 2'048'000'000);
    EXPECT_FALSE(parseTimespanUs("soon"));
    EXPECT_FALSE(parseTimespanUs(""));
    EXPECT_FALSE(parseTimespanUs("3 parsecs"));
}

TEST(TimeStatusTest, ParsesTimedatectlOutput) {
    TimeStatus s;
    parseTimedatectlShow(
        "Timezone=Asia/Shanghai\nLocalRTC=no\nCanNTP=yes\nNTP=yes\nNTPSynchronized=yes\n"
        "TimeUSec=Thu 2026-12-03 19:00:00 CST\n",
        s);
    parseTimedatectlShow(
        "LinkNTPServers=\nSystemNTPServers=10.10.2.1 ntp.hospital.local\n"
        "FallbackNTPServers=0.debian.pool.ntp.org\nServerName=10.10.2.1\nServerAddress=10.10.2.1\n"
        "PollIntervalMinUSec=32s\nPollIntervalMaxUSec=34min 8s\nPollIntervalUSec=2048000000\n",
        s);
    parseTimesyncStatus(
        "       Server: 10.10.2.1 (10.10.2.1)\nPoll interval: 34min 8s (min: 32s; max 34min 8s)\n"
        "         Leap: normal\n      Version: 4\n      Stratum: 2\n    Reference: C0A80101\n"
        "    Precision: 1us (-24)\nRoot distance: 335us (max: 5s)\n       Offset: -1.107ms\n"
        "        Delay: 483us\n       Jitter: 1.025ms\n Packet count: 3\n    Frequency: -6.918ppm\n",
        s);
    EXPECT_TRUE(s.ntpEnabled);
    EXPECT_TRUE(s.synchronized);
    EXPECT_EQ(s.timezone, "Asia/Shanghai");
    EXPECT_EQ(s.systemServers, (std::vector<std::string>{"10.10.2.1", "ntp.hospital.local"}));
    EXPECT_TRUE(s.linkServers.empty());
    EXPECT_EQ(s.server, "10.10.2.1 (10.10.2.1)");
    EXPECT_EQ(s.stratum, 2);
    EXPECT_EQ(s.offsetUs, -1107);
    EXPECT_EQ(s.delayUs, 483);
    EXPECT_EQ(s.jitterUs, 1025);
    EXPECT_EQ(s.packetCount, 3);
    EXPECT_EQ(s.pollIntervalUs, 2'048'000'000);
    EXPECT_FALSE(s.warning());
    s.offsetUs = 1'500'000;
    EXPECT_TRUE(s.warning());
    s.offsetUs = -1'000;
    s.synchronized = false;
    EXPECT_TRUE(s.warning());
}

TEST(TimeStatusTest, AMissingProgramIsReportedNotThrown) {
    const auto s = readTimeStatus("/nonexistent/timedatectl", "/nonexistent/clock");
    EXPECT_FALSE(s.available);
    EXPECT_FALSE(s.lastSyncMs);
}

}  // namespace
