// The setup wizard's state machine on a real console database with a fake
// helper: arming only on a fresh appliance, each step's validation and audit
// row, apply refused until every step is saved, the helper's verbs and their
// arguments, the confirm window, and the gate's answer before and after.
#include "ConsoleTestEnv.h"
#include "SetupGate.h"
#include "domain/SetupWizard.h"
#include "core/audit/AuditRows.h"
#include "core/config/Settings.h"
#include "domain/SetupConfig.h"
#include "core/net/Tls.h"
#include "store/UserStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace medbox;
using namespace medbox::console;
namespace fs = std::filesystem;

namespace {

struct Call {
    std::string verb;
    std::string args;  // JSON text
};

class FakeHelper : public SetupHelper {
public:
    explicit FakeHelper(std::vector<Call>& calls) : calls_(calls) {}
    Poco::JSON::Object::Ptr call(const std::string& verb, const Poco::JSON::Object::Ptr& args) override {
        std::ostringstream s;
        if (args) args->stringify(s);
        calls_.push_back({verb, s.str()});
        if (verb == failOn) throw AppError(Err::UnitFailed, "the setup helper refused " + verb + ": test");
        return new Poco::JSON::Object;
    }
    std::string failOn;

private:
    std::vector<Call>& calls_;
};

JsonBody body(const std::string& json) { return JsonBody::parse(json); }

ConsoleConfig configIn(const fs::path& dir, const std::string& mode = "auto") {
    ConsoleConfig c;
    c.setup.mode = mode;
    c.setup.linkDir = (dir / "links").string();
    c.setup.certFile = (dir / "tls" / "console.crt").string();
    c.setup.keyFile = (dir / "tls" / "console.key").string();
    fs::create_directories(dir / "links");
    for (const auto* nic : {"mgmt0", "lan0", "dmz0", "ha0"})
        std::ofstream(dir / "links" / ("10-medbox-" + std::string(nic) + ".link"));
    std::ofstream(dir / "links" / "99-other.link");
    return c;
}

class SetupWizardTest : public ::testing::Test {
protected:
    void SetUp() override {
        t_ = std::make_unique<testenv::ConsoleTestEnv>(configIn(tmp_.path()));
        t_->clock.setMs(1'800'000'000'000);
        SetupWizard::armIfFresh(*t_->env);
        auto helper = std::make_unique<FakeHelper>(calls_);
        helper_ = helper.get();
        wizard_ = std::make_unique<SetupWizard>(*t_->env, std::move(helper));
        UserRecord u;
        u.username = "admin";
        u.displayName = "Administrator";
        u.passwordHash = "x";
        u.roles = {"admin"};
        u.totpEnabled = true;
        t_->db->write([&](db::Tx& tx) { store::insertUser(tx.conn(), u); });
        tls::ensureSelfSigned(t_->env->config.setup.certFile, t_->env->config.setup.keyFile, {"localhost"},
                              "medbox console");
    }

    void saveAll() {
        wizard_->saveStep("admin", "admin", body("{}"));
        wizard_->saveStep("admin", "hostname", body(R"({"hostname":"Medbox-01.hospital.local"})"));
        wizard_->saveStep("admin", "hospital", body(R"({"name":"第一人民医院"})"));
        wizard_->saveStep("admin", "time", body(R"({"servers":["10.10.2.1","ntp.hospital.local"]})"));
        wizard_->saveStep("admin", "network",
                          body(R"({"interfaces":[{"name":"mgmt0","mode":"static","address":"10.10.9.20/24",)"
                               R"("gateway":"10.10.9.1","dns":["10.10.2.53"]},{"name":"lan0","mode":"dhcp"}]})"));
        wizard_->saveStep("admin", "certificate", body(R"({"mode":"self-signed"})"));
        wizard_->saveStep("admin", "firewall",
                          body(R"({"model":"frontend","adminSubnets":["10.10.9.0/24"],)"
                               R"("peers":[{"name":"his","address":"10.10.2.10","tcp":[2575,8080]}],"staff":[]})"));
    }

    Err errOf(auto&& f) { return testenv::errOf(f, &field_, &message_); }

    testutil::TempDir tmp_;
    std::unique_ptr<testenv::ConsoleTestEnv> t_;
    std::vector<Call> calls_;
    FakeHelper* helper_ = nullptr;
    std::unique_ptr<SetupWizard> wizard_;
    std::string field_, message_;
};

}  // namespace

TEST(SetupWizardArmTest, ArmedOnlyOnAFreshApplianceWhoseAdminGetsARandomPassword) {
    testutil::TempDir dir;
    {
        testenv::ConsoleTestEnv t(configIn(dir.path()));  // auto, no bootstrap password: an installed appliance
        SetupWizard::armIfFresh(*t.env);
        EXPECT_TRUE(SetupWizard::pending(*t.env));
    }
    {
        auto c = configIn(dir.path());
        c.bootstrapAdminPassword = "Dev-Password-123";  // scripts/up.sh and the API tests
        testenv::ConsoleTestEnv t(c);
        SetupWizard::armIfFresh(*t.env);
        EXPECT_FALSE(SetupWizard::pending(*t.env));
    }
    {
        testenv::ConsoleTestEnv t(configIn(dir.path(), "off"));
        SetupWizard::armIfFresh(*t.env);
        EXPECT_FALSE(SetupWizard::pending(*t.env));
    }
    {
        auto c = configIn(dir.path(), "required");
        c.bootstrapAdminPassword = "Dev-Password-123";
        testenv::ConsoleTestEnv t(c);
        UserRecord u;
        u.username = "old";
        u.displayName = "Old";
        u.passwordHash = "x";
        u.roles = {"admin"};
        t.db->write([&](db::Tx& tx) { store::insertUser(tx.conn(), u); });
        SetupWizard::armIfFresh(*t.env);
        EXPECT_FALSE(SetupWizard::pending(*t.env)) << "an appliance with accounts was set up before";
    }
}

TEST_F(SetupWizardTest, StepsAreValidatedNamingTheField) {
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "hostname", body(R"({"hostname":"-bad"})")); }),
              Err::InvalidField);
    EXPECT_EQ(field_, "hostname");
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "hostname", body(R"({"hostname":"ok","x":1})")); }),
              Err::UnknownField);
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "time", body(R"({"servers":["a b"]})")); }), Err::InvalidField);
    EXPECT_EQ(field_, "servers[0]");
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "time", body(R"({"servers":[]})")); }), Err::InvalidField);
    EXPECT_EQ(errOf([&] {
                  wizard_->saveStep("admin", "network", body(R"({"interfaces":[{"name":"eth7","mode":"dhcp"}]})"));
              }),
              Err::InvalidField);
    EXPECT_EQ(field_, "interfaces[0].name");
    EXPECT_EQ(errOf([&] {
                  wizard_->saveStep(
                      "admin", "network",
                      body(R"({"interfaces":[{"name":"mgmt0","mode":"static","address":"10.10.9.0/24"}]})"));
              }),
              Err::InvalidField);
    EXPECT_EQ(field_, "interfaces[0].address");
    EXPECT_EQ(errOf([&] {
                  wizard_->saveStep("admin", "network",
                                    body(R"({"interfaces":[{"name":"mgmt0","mode":"static","address":"10.10.9.20/24",)"
                                         R"("gateway":"10.10.8.1"}]})"));
              }),
              Err::InvalidField);
    EXPECT_EQ(field_, "interfaces[0].gateway");
    EXPECT_EQ(errOf([&] {
                  wizard_->saveStep("admin", "firewall",
                                    body(R"({"model":"frontend","adminSubnets":["10.10.9.1/24"],"peers":[]})"));
              }),
              Err::InvalidField);
    EXPECT_EQ(field_, "adminSubnets[0]");
    EXPECT_EQ(errOf([&] {
                  wizard_->saveStep("admin", "firewall",
                                    body(R"({"model":"frontend","adminSubnets":["10.10.9.0/24"],)"
                                         R"("peers":[{"name":"his","address":"10.10.2.10","tcp":[70000]}]})"));
              }),
              Err::InvalidField);
    EXPECT_EQ(field_, "peers[0].tcp[0]");
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "certificate", body(R"({"mode":"upload","certificate":"x"})")); }),
              Err::MissingField);
    EXPECT_EQ(field_, "key");
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "nothing", body("{}")); }), Err::NotFound);
    EXPECT_TRUE(calls_.empty());
}

TEST_F(SetupWizardTest, TheFirewallModelsNeedADmzNic) {
    fs::remove(fs::path(tmp_.path()) / "links" / "10-medbox-dmz0.link");
    EXPECT_EQ(errOf([&] {
                  wizard_->saveStep(
                      "admin", "firewall",
                      body(R"({"model":"gap","adminSubnets":["10.10.9.0/24"],"device":"10.10.6.2","tcp":[9001]})"));
              }),
              Err::Conflict);
    EXPECT_EQ(field_, "model");
    EXPECT_NE(message_.find("DMZ"), std::string::npos);
}

TEST_F(SetupWizardTest, TheImageNamesTheManagementNic) {
    // An application server: one NIC, role lan, carrying management too.
    std::ofstream(fs::path(tmp_.path()) / "management.env") << "# generated\nMEDBOX_MANAGEMENT_NIC=lan0\n";
    auto c = t_->env->config;
    c.setup.managementEnv = (fs::path(tmp_.path()) / "management.env").string();
    ConsoleEnv env(*t_->db, t_->clock, *t_->audit, c);
    SetupWizard w(env, std::make_unique<FakeHelper>(calls_));
    const auto nics = w.nics();
    ASSERT_EQ(nics.front().name, "lan0");
    EXPECT_TRUE(nics.front().management);
    EXPECT_EQ(std::count_if(nics.begin(), nics.end(), [](const auto& n) { return n.management; }), 1);
}

TEST_F(SetupWizardTest, TheAdminStepNeedsTheSecondFactor) {
    t_->db->write(
        [&](db::Tx& tx) { tx.conn().prepare("UPDATE users SET totp_enabled = 0 WHERE username = 'admin'").run(); });
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "admin", body("{}")); }), Err::Conflict);
    EXPECT_NE(message_.find("TOTP"), std::string::npos);
}

TEST_F(SetupWizardTest, ProgressIsKeptAndEveryStepAudited) {
    wizard_->saveStep("admin", "hostname", body(R"({"hostname":"Medbox-01"})"));
    // A second admin (or a reload) sees the same state from a new object.
    SetupWizard again(*t_->env, std::make_unique<FakeHelper>(calls_));
    const auto s = again.state();
    EXPECT_TRUE(s->getValue<bool>("required"));
    EXPECT_EQ(s->getValue<std::string>("next"), "admin");
    const auto steps = s->getArray("steps");
    EXPECT_EQ(steps->getObject(1)->getValue<std::string>("name"), "hostname");
    EXPECT_TRUE(steps->getObject(1)->getValue<bool>("done"));
    EXPECT_EQ(steps->getObject(1)->getObject("data")->getValue<std::string>("hostname"), "medbox-01");
    EXPECT_EQ(s->getArray("nics")->size(), 4u);
    EXPECT_EQ(s->getObject("certificate")->getValue<std::string>("sha256").size(), 95u);
    const auto rows = t_->db->read([](db::Connection& c) { return auditRowsAfter(c, 0, 100); });
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows.front().action, "setup.armed");
    EXPECT_EQ(rows.back().action, "setup.step");
    EXPECT_EQ(rows.back().target, "setup:hostname");
    EXPECT_EQ(rows.back().actor, "staff:admin");
}

TEST_F(SetupWizardTest, ApplyNeedsEveryStepThenCallsTheHelperAndConfirmCompletes) {
    wizard_->saveStep("admin", "hostname", body(R"({"hostname":"medbox"})"));
    EXPECT_EQ(errOf([&] { wizard_->apply("admin"); }), Err::Conflict);
    EXPECT_EQ(field_, "admin");
    EXPECT_EQ(errOf([&] { wizard_->confirm("admin"); }), Err::Conflict);
    saveAll();
    const auto a = wizard_->apply("admin");
    EXPECT_EQ(a->getValue<int>("confirmSeconds"), 60);
    std::vector<std::string> verbs;
    for (const auto& c : calls_) verbs.push_back(c.verb);
    EXPECT_EQ(verbs, (std::vector<std::string>{"hostname", "time", "network-write", "firewall-apply"}));
    EXPECT_EQ(calls_[0].args, R"({"hostname":"medbox-01.hospital.local"})");
    EXPECT_EQ(calls_[1].args, R"({"servers":["10.10.2.1","ntp.hospital.local"]})");
    EXPECT_NE(calls_[2].args.find(R"("address":"10.10.9.20/24")"), std::string::npos);
    EXPECT_NE(calls_[2].args.find(R"("management":true)"), std::string::npos);
    // The firewall profile: the image's NIC names by role, no vendor zone.
    const auto fw = Poco::JSON::Parser().parse(calls_[3].args).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(fw->getValue<int>("confirmSeconds"), 60);
    const auto profile = fw->getObject("profile");
    EXPECT_EQ(profile->getValue<std::string>("model"), "frontend");
    EXPECT_EQ(profile->getObject("interfaces")->getValue<std::string>("management"), "mgmt0");
    EXPECT_EQ(profile->getObject("interfaces")->getValue<std::string>("lan"), "lan0");
    EXPECT_FALSE(profile->getObject("interfaces")->has("vendor"));
    EXPECT_EQ(profile->getObject("lan")->getArray("peers")->getObject(0)->getValue<std::string>("address"),
              "10.10.2.10");
    EXPECT_TRUE(SetupWizard::pending(*t_->env));

    // Past the window: the firewall went back by itself; confirm is refused.
    t_->clock.advanceMs(61'000);
    EXPECT_EQ(errOf([&] { wizard_->confirm("admin"); }), Err::Conflict);
    EXPECT_NE(message_.find("apply again"), std::string::npos);
    EXPECT_TRUE(wizard_->state()->isNull("confirmBefore"));

    calls_.clear();
    wizard_->apply("admin");
    t_->clock.advanceMs(30'000);
    const auto done = wizard_->confirm("admin");
    EXPECT_TRUE(done->getValue<bool>("completed"));
    EXPECT_EQ(calls_.back().verb, "enable-services");
    EXPECT_EQ(calls_[calls_.size() - 3].verb, "firewall-confirm");
    EXPECT_FALSE(SetupWizard::pending(*t_->env));
    EXPECT_EQ(errOf([&] { wizard_->saveStep("admin", "hostname", body(R"({"hostname":"x"})")); }), Err::Conflict);
    const auto rows = t_->db->read([](db::Connection& c) { return auditRowsAfter(c, 0, 100); });
    EXPECT_EQ(rows.back().action, "setup.complete");
}

TEST_F(SetupWizardTest, AHelperRefusalIsAuditedAndApplyCanBeRetried) {
    saveAll();
    helper_->failOn = "network-write";
    EXPECT_EQ(errOf([&] { wizard_->apply("admin"); }), Err::UnitFailed);
    const auto rows = t_->db->read([](db::Connection& c) { return auditRowsAfter(c, 0, 100); });
    EXPECT_EQ(rows.back().action, "setup.apply");
    EXPECT_EQ(rows.back().outcome, "failed");
    EXPECT_TRUE(wizard_->state()->isNull("confirmBefore"));
    helper_->failOn.clear();
    wizard_->apply("admin");
    EXPECT_FALSE(wizard_->state()->isNull("confirmBefore"));
}

TEST(SetupWizardArmTest, OffLiftsAWizardArmedEarlier) {
    // Armed at the first start (auto), then the console starts again with
    // console.setup_wizard=off on the same database: no gate any more, and
    // the armed row stays (setting it back to auto brings the wizard back).
    testutil::TempDir dir;
    testenv::ConsoleTestEnv t(configIn(dir.path()));
    SetupWizard::armIfFresh(*t.env);
    ASSERT_TRUE(SetupWizard::pending(*t.env));
    ConsoleEnv off(*t.db, t.clock, *t.audit, configIn(dir.path(), "off"));
    EXPECT_FALSE(SetupWizard::pending(off));
    int ran = 0;
    const auto gated = untilSetupDone(off, [&](Request&, Reply&) { ++ran; });
    http1::RequestHead head;
    const std::string peer = "127.0.0.1";
    Request rq(head, "", "/api/v1/users", "", peer);
    Reply rp;
    gated(rq, rp);
    EXPECT_EQ(ran, 1);
    ConsoleEnv again(*t.db, t.clock, *t.audit, configIn(dir.path(), "auto"));
    EXPECT_TRUE(SetupWizard::pending(again));
}

TEST_F(SetupWizardTest, TheGateRefusesChangesUntilSetupIsDone) {
    int ran = 0;
    const auto gated = untilSetupDone(*t_->env, [&](Request&, Reply&) { ++ran; });
    http1::RequestHead head;
    const std::string peer = "127.0.0.1";
    Request rq(head, "", "/api/v1/users", "", peer);
    Reply rp;
    EXPECT_EQ(errOf([&] { gated(rq, rp); }), Err::Conflict);
    EXPECT_NE(message_.find("setup wizard"), std::string::npos);
    EXPECT_EQ(ran, 0);
    saveAll();
    wizard_->apply("admin");
    wizard_->confirm("admin");
    gated(rq, rp);
    EXPECT_EQ(ran, 1);
}

TEST(SetupConfigTest, KeysAndTheirErrors) {
    Settings s;
    s.set("data.dir", "/var/lib/medbox/console");
    auto c = readSetupConfig(s);
    EXPECT_EQ(c.mode, "auto");
    EXPECT_EQ(c.certFile, "/var/lib/medbox/console/tls/console.crt");
    EXPECT_EQ(c.keyFile, "/var/lib/medbox/console/tls/console.key");
    // The helper's update-install reads this fixed file (UpdateVerbs.h).
    EXPECT_EQ(c.updateBundle, "/var/lib/medbox/console/updates/bundle.raucb");
    s.set("console.setup_wizard", "required");
    s.set("console.setup_confirm_seconds", "120");
    s.set("console.setup_helper_socket", "/run/x.sock");
    c = readSetupConfig(s);
    EXPECT_EQ(c.mode, "required");
    EXPECT_EQ(c.confirmSeconds, 120);
    EXPECT_EQ(c.helperSocket, "/run/x.sock");
    for (const auto& [key, bad] : {std::pair{"console.setup_wizard", "maybe"},
                                   {"console.setup_confirm_seconds", "5"},
                                   {"console.setup_helper_socket", "relative.sock"}}) {
        Settings b;
        b.set(key, bad);
        try {
            readSetupConfig(b);
            ADD_FAILURE() << key << "=" << bad << " was taken";
        } catch (const ConfigError& e) {
            EXPECT_NE(e.message().find(key), std::string::npos) << e.message();
        }
    }
}
