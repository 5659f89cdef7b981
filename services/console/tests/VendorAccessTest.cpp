// Vendor access on a real console database with a fake helper and a manual
// clock: the rules (keys, tunnel addresses, minutes, ticket, reason), a
// window's life (open, approval by a second admin, close, expiry on the
// clock), what the helper is asked and with which arguments, the audit rows,
// the vendor's tokens revoked when a window ends, sign-in refused outside a
// window, the live activity list, the reconciliation at start, and the
// console.vendor.* keys.
#include "ConsoleTestEnv.h"
#include "domain/Revocations.h"
#include "domain/VendorAccess.h"
#include "domain/VendorConfig.h"
#include "domain/VendorRules.h"

#include "core/audit/AuditRows.h"
#include "core/auth/RevocationSet.h"
#include "core/config/Settings.h"
#include "core/db/Statement.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <sstream>
#include <utility>
#include <vector>

using namespace medbox;
using namespace medbox::console;
using namespace medbox::console::testenv;
namespace rules = medbox::console::vendor_rules;

namespace {

const std::string kVendorKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
const std::string kApplianceKey = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

// Records each verb with its arguments; answers like the real helper.
class RecordingHelper : public SetupHelper {
public:
    Poco::JSON::Object::Ptr call(const std::string& verb, const Poco::JSON::Object::Ptr& args) override {
        calls.push_back({verb, args});
        if (verb == failOn) throw AppError(Err::UnitFailed, "the helper refused " + verb);
        Poco::JSON::Object::Ptr answer = new Poco::JSON::Object;
        answer->set("ok", true);
        if (verb == "vendor-key") answer->set("publicKey", kApplianceKey);
        if (verb == "vendor-state") answer->set("up", tunnelUp);
        return answer;
    }
    std::vector<std::string> verbs() const {
        std::vector<std::string> v;
        for (const auto& c : calls) v.push_back(c.first);
        return v;
    }
    std::vector<std::pair<std::string, Poco::JSON::Object::Ptr>> calls;
    std::string failOn;
    bool tunnelUp = true;
};

class VendorAccessTest : public ::testing::Test {
protected:
    explicit VendorAccessTest(bool approval = false) : t_(config(approval)) {
        revocations_ = std::make_unique<Revocations>(*t_.env, set_);
        auto helper = std::make_unique<RecordingHelper>();
        helper_ = helper.get();
        vendor_ = std::make_unique<VendorAccess>(*t_.env, *revocations_, std::move(helper));
        // A vendor account, as an admin would have made it.
        t_.db->write([](db::Tx& tx) {
            tx.conn()
                .prepare(
                    "INSERT INTO users (id, username, display_name, password_hash, created_at_ms, updated_at_ms, "
                    "password_changed_at_ms) VALUES (7, 'acme', 'ACME support', 'x', 0, 0, 0)")
                .run();
            tx.conn().prepare("INSERT INTO user_roles (user_id, role) VALUES (7, 'vendor')").run();
        });
    }
    static ConsoleConfig config(bool approval) {
        ConsoleConfig c;
        c.vendor.maxWindowMinutes = 120;
        c.vendor.requireApproval = approval;
        c.vendor.interface = "wg0";
        c.vendor.address = "10.8.0.1/24";
        c.vendor.endpoint = "vpn.hospital.example:51820";
        return c;
    }
    std::vector<AuditRow> audit() {
        return t_.db->read([](db::Connection& c) { return auditRowsAfter(c, 0, 1000); });
    }
    bool revoked(const std::string& user) {
        for (const auto& r : revocations_->list(0, 100).entries)
            if (r.kind == Revocation::Kind::Subject && r.value == user) return true;
        return false;
    }
    int64_t openWindow(int64_t minutes = 30) {
        vendor_->registerPeer("alice", kVendorKey, "10.8.0.2");
        return vendor_->open("alice", minutes, "PACS viewer upgrade", "SD-2026-0042")
            ->getObject("window")
            ->getValue<int64_t>("id");
    }

    ConsoleTestEnv t_;
    RevocationSet set_;
    std::unique_ptr<Revocations> revocations_;
    RecordingHelper* helper_ = nullptr;
    std::unique_ptr<VendorAccess> vendor_;
};

class VendorApprovalTest : public VendorAccessTest {
protected:
    VendorApprovalTest() : VendorAccessTest(true) {}
};

}  // namespace

TEST(VendorRulesTest, KeysAddressesAndFields) {
    EXPECT_EQ(rules::checkWireGuardKey(kVendorKey), "");
    EXPECT_NE(rules::checkWireGuardKey(kVendorKey.substr(0, 43)), "");
    EXPECT_NE(rules::checkWireGuardKey(kVendorKey.substr(0, 42) + "h="), "");  // more than 32 bytes of bits
    EXPECT_NE(rules::checkWireGuardKey("AAAA"), "");
    EXPECT_NE(rules::checkWireGuardKey(std::string(43, 'A') + "\n"), "");

    const auto tunnel = rules::parseTunnel("10.8.0.1/24");
    ASSERT_TRUE(tunnel);
    EXPECT_FALSE(rules::parseTunnel("10.8.0.0/24"));  // the network itself
    EXPECT_FALSE(rules::parseTunnel("10.8.0.1"));
    EXPECT_FALSE(rules::parseTunnel("10.8.0.1/31"));
    EXPECT_FALSE(rules::parseTunnel("fd00::1/64"));
    EXPECT_EQ(rules::checkPeerAddress("10.8.0.2", *tunnel), "");
    EXPECT_NE(rules::checkPeerAddress("10.8.0.1", *tunnel), "");    // the appliance
    EXPECT_NE(rules::checkPeerAddress("10.8.0.255", *tunnel), "");  // broadcast
    EXPECT_NE(rules::checkPeerAddress("10.8.1.2", *tunnel), "");    // outside
    EXPECT_NE(rules::checkPeerAddress("10.8.0.2/32", *tunnel), "");
    EXPECT_NE(rules::checkPeerAddress("10.8.0.2; reboot", *tunnel), "");

    EXPECT_EQ(rules::checkMinutes(1, 240), "");
    EXPECT_EQ(rules::checkMinutes(240, 240), "");
    EXPECT_NE(rules::checkMinutes(0, 240), "");
    EXPECT_NE(rules::checkMinutes(241, 240), "");
    EXPECT_EQ(rules::checkTicket("SD-2026/0042#1"), "");
    EXPECT_NE(rules::checkTicket(""), "");
    EXPECT_NE(rules::checkTicket("SD 42"), "");
    EXPECT_NE(rules::checkTicket(std::string(41, '1')), "");
    EXPECT_EQ(rules::checkReason("升级 PACS 查看器"), "");
    EXPECT_NE(rules::checkReason("ab"), "");
    EXPECT_NE(rules::checkReason("line\nbreak"), "");
}

TEST_F(VendorAccessTest, OffByDefaultAndTheKeyComesFromTheHelper) {
    const auto s = vendor_->state();
    EXPECT_TRUE(s->get("window").isEmpty());
    EXPECT_TRUE(s->get("peer").isEmpty());
    EXPECT_EQ(s->getObject("appliance")->getValue<std::string>("publicKey"), kApplianceKey);
    EXPECT_EQ(s->getObject("appliance")->getValue<std::string>("endpoint"), "vpn.hospital.example:51820");
    EXPECT_EQ(s->getValue<int>("maxWindowMinutes"), 120);
    EXPECT_FALSE(vendor_->windowOpen());
    vendor_->state();
    EXPECT_EQ(helper_->verbs(), std::vector<std::string>{"vendor-key"});  // asked once, then cached
}

TEST_F(VendorAccessTest, PeerIsValidatedAndAudited) {
    std::string field;
    EXPECT_EQ(errOf([&] { vendor_->registerPeer("alice", "AAAA", "10.8.0.2"); }, &field), Err::InvalidField);
    EXPECT_EQ(field, "publicKey");
    EXPECT_EQ(errOf([&] { vendor_->registerPeer("alice", kVendorKey, "10.9.0.2"); }, &field), Err::InvalidField);
    EXPECT_EQ(field, "address");
    const auto s = vendor_->registerPeer("alice", kVendorKey, "10.8.0.2");
    EXPECT_EQ(s->getObject("peer")->getValue<std::string>("publicKey"), kVendorKey);
    EXPECT_EQ(audit().back().action, "vendor.peer_register");
    EXPECT_EQ(audit().back().actor, "staff:alice");
}

TEST_F(VendorAccessTest, WindowNeedsAPeerAndRespectsTheMaximum) {
    EXPECT_EQ(errOf([&] { vendor_->open("alice", 30, "PACS viewer upgrade", "SD-1"); }), Err::Conflict);
    vendor_->registerPeer("alice", kVendorKey, "10.8.0.2");
    std::string field;
    EXPECT_EQ(errOf([&] { vendor_->open("alice", 121, "PACS viewer upgrade", "SD-1"); }, &field), Err::InvalidField);
    EXPECT_EQ(field, "minutes");
    EXPECT_EQ(errOf([&] { vendor_->open("alice", 30, "PACS viewer upgrade", "SD 1"); }, &field), Err::InvalidField);
    EXPECT_EQ(field, "ticket");
    EXPECT_EQ(errOf([&] { vendor_->open("alice", 30, "", "SD-1"); }, &field), Err::InvalidField);
    EXPECT_EQ(field, "reason");
    EXPECT_FALSE(vendor_->windowOpen());
}

TEST_F(VendorAccessTest, OpenAsksTheHelperThenTheClockEndsIt) {
    const int64_t start = t_.clock.nowMs();
    const auto id = openWindow(30);
    ASSERT_EQ(helper_->calls.back().first, "vendor-open");
    const auto args = helper_->calls.back().second;
    EXPECT_EQ(args->getValue<std::string>("interface"), "wg0");
    EXPECT_EQ(args->getValue<std::string>("address"), "10.8.0.1/24");
    EXPECT_EQ(args->getValue<std::string>("peerKey"), kVendorKey);
    EXPECT_EQ(args->getValue<std::string>("peerAddress"), "10.8.0.2");
    EXPECT_EQ(args->getValue<int64_t>("seconds"), 1800);
    const auto w = vendor_->state()->getObject("window");
    EXPECT_EQ(w->getValue<std::string>("state"), "open");
    EXPECT_EQ(w->getValue<int64_t>("endsAtMs"), start + 30 * 60'000);
    EXPECT_TRUE(vendor_->windowOpen());
    EXPECT_EQ(errOf([&] { vendor_->open("bob", 10, "another one", "SD-2"); }), Err::Conflict);
    EXPECT_EQ(errOf([&] { vendor_->registerPeer("alice", kVendorKey, "10.8.0.3"); }), Err::Conflict);

    t_.clock.advanceMs(30 * 60'000 - 1);
    vendor_->expire();
    EXPECT_TRUE(vendor_->windowOpen());
    EXPECT_FALSE(revoked("acme"));
    t_.clock.advanceMs(1);
    EXPECT_FALSE(vendor_->windowOpen());  // refused from this millisecond, before the checker runs
    vendor_->expire();
    EXPECT_EQ(helper_->calls.back().first, "vendor-close");
    EXPECT_EQ(helper_->calls.back().second->getValue<std::string>("peerAddress"), "10.8.0.2");
    const auto s = vendor_->state();
    EXPECT_TRUE(s->get("window").isEmpty());
    const auto last = s->getArray("recent")->getObject(0);
    EXPECT_EQ(last->getValue<int64_t>("id"), id);
    EXPECT_EQ(last->getValue<std::string>("closeReason"), "expired");
    EXPECT_TRUE(revoked("acme"));
    const auto rows = audit();
    bool requested = false, opened = false, closed = false;
    for (const auto& r : rows) {
        requested |= r.action == "vendor.window_request" && r.detail.find("SD-2026-0042") != std::string::npos;
        opened |= r.action == "vendor.window_open" && r.outcome == "ok";
        closed |= r.action == "vendor.window_close" && r.actor == "system" &&
                  r.detail.find("expired") != std::string::npos;
    }
    EXPECT_TRUE(requested && opened && closed);
}

TEST_F(VendorAccessTest, AnAdminClosesItEarly) {
    const auto id = openWindow();
    vendor_->close("bob", id);
    EXPECT_EQ(helper_->calls.back().first, "vendor-close");
    EXPECT_FALSE(vendor_->windowOpen());
    EXPECT_TRUE(revoked("acme"));
    EXPECT_EQ(vendor_->state()->getArray("recent")->getObject(0)->getValue<std::string>("closedBy"), "bob");
    EXPECT_EQ(errOf([&] { vendor_->close("bob", id); }), Err::Conflict);
    EXPECT_EQ(errOf([&] { vendor_->close("bob", id + 100); }), Err::NotFound);
}

TEST_F(VendorAccessTest, AHelperThatFailsLeavesNoWindowOpen) {
    vendor_->registerPeer("alice", kVendorKey, "10.8.0.2");
    helper_->failOn = "vendor-open";
    EXPECT_EQ(errOf([&] { vendor_->open("alice", 30, "PACS viewer upgrade", "SD-1"); }), Err::UnitFailed);
    EXPECT_FALSE(vendor_->windowOpen());
    EXPECT_EQ(vendor_->state()->getArray("recent")->getObject(0)->getValue<std::string>("closeReason"), "failed");
    EXPECT_EQ(audit().back().outcome, "failed");
    helper_->failOn.clear();
    openWindow();  // a new one may be opened
    EXPECT_TRUE(vendor_->windowOpen());
}

TEST_F(VendorAccessTest, VendorSignInOnlyInsideAWindow) {
    const int64_t expires = t_.clock.nowMs() + 900'000;
    EXPECT_EQ(errOf([&] { vendor_->admitSignIn("acme", "jti-1", expires); }), Err::Forbidden);
    EXPECT_EQ(audit().back().action, "vendor.signin_refused");
    // That token ends, not the account: a sign-in later in the same second
    // keeps its iat and ends with a window closed in that second.
    bool tokenRevoked = false;
    for (const auto& r : revocations_->list(0, 100).entries)
        tokenRevoked |= r.kind == Revocation::Kind::Token && r.value == "jti-1";
    EXPECT_TRUE(tokenRevoked);
    EXPECT_FALSE(revoked("acme"));
    openWindow();
    vendor_->admitSignIn("acme", "jti-2", expires);  // no throw
}

TEST_F(VendorAccessTest, EveryVendorRequestIsKeptAndAuditedInOrder) {
    vendor_->recordRequest("acme", "GET", "/api/v1/me", 200);
    vendor_->recordRequest("acme", "GET", "/api/v1/users", 403);
    auto a = vendor_->activity(0, 10);
    ASSERT_EQ(a->getArray("items")->size(), 2u);
    EXPECT_EQ(a->getArray("items")->getObject(1)->getValue<int>("status"), 403);
    const auto next = a->getValue<int64_t>("next");
    vendor_->recordRequest("acme", "POST", "/api/v1/auth/logout", 204);
    a = vendor_->activity(next, 10);
    ASSERT_EQ(a->getArray("items")->size(), 1u);
    EXPECT_EQ(a->getArray("items")->getObject(0)->getValue<std::string>("path"), "/api/v1/auth/logout");
    int audited = 0;
    for (const auto& r : audit())
        if (r.action == "vendor.request" && r.actor == "staff:acme") ++audited;
    EXPECT_EQ(audited, 3);
    EXPECT_EQ(audit().back().target, "POST /api/v1/auth/logout");
}

TEST_F(VendorApprovalTest, ASecondAdminMustApprove) {
    vendor_->registerPeer("alice", kVendorKey, "10.8.0.2");
    const auto id =
        vendor_->open("alice", 60, "PACS viewer upgrade", "SD-7")->getObject("window")->getValue<int64_t>("id");
    EXPECT_EQ(vendor_->state()->getObject("window")->getValue<std::string>("state"), "awaiting_approval");
    EXPECT_FALSE(vendor_->windowOpen());
    for (const auto& verb : helper_->verbs()) EXPECT_NE(verb, "vendor-open");
    EXPECT_EQ(errOf([&] { vendor_->approve("alice", id); }), Err::Forbidden);
    t_.clock.advanceMs(5 * 60'000);  // the window's time counts from the approval
    const int64_t approvedAt = t_.clock.nowMs();
    vendor_->approve("bob", id);
    EXPECT_EQ(helper_->calls.back().first, "vendor-open");
    const auto w = vendor_->state()->getObject("window");
    EXPECT_EQ(w->getValue<std::string>("approvedBy"), "bob");
    EXPECT_EQ(w->getValue<int64_t>("endsAtMs"), approvedAt + 60 * 60'000);
    EXPECT_EQ(errOf([&] { vendor_->approve("carol", id); }), Err::Conflict);
}

TEST_F(VendorApprovalTest, CancellingARequestNeedsNoTunnel) {
    vendor_->registerPeer("alice", kVendorKey, "10.8.0.2");
    const auto id =
        vendor_->open("alice", 60, "PACS viewer upgrade", "SD-7")->getObject("window")->getValue<int64_t>("id");
    const auto before = helper_->calls.size();
    vendor_->close("alice", id);
    EXPECT_EQ(helper_->calls.size(), before);
    EXPECT_EQ(vendor_->state()->getArray("recent")->getObject(0)->getValue<std::string>("closeReason"), "cancelled");
}

TEST_F(VendorAccessTest, ReconcileAtStart) {
    // No vendor ever registered: the helper is not asked at all.
    vendor_->reconcile();
    EXPECT_TRUE(helper_->calls.empty());
    // Nothing open: any leftover tunnel is removed.
    vendor_->registerPeer("alice", kVendorKey, "10.8.0.2");
    vendor_->reconcile();
    EXPECT_EQ(helper_->verbs().back(), "vendor-close");
    // Open, and the tunnel is gone (a reboot): restored for the time left.
    openWindow(30);
    t_.clock.advanceMs(10 * 60'000);
    helper_->tunnelUp = false;
    vendor_->reconcile();
    EXPECT_EQ(helper_->calls.back().first, "vendor-open");
    EXPECT_EQ(helper_->calls.back().second->getValue<int64_t>("seconds"), 20 * 60);
    // The console was down past the end: closed at start.
    t_.clock.advanceMs(25 * 60'000);
    vendor_->reconcile();
    EXPECT_FALSE(vendor_->windowOpen());
    EXPECT_EQ(vendor_->state()->getArray("recent")->getObject(0)->getValue<std::string>("closeReason"), "expired");
}

TEST_F(VendorAccessTest, AFailedTunnelRemovalIsRetried) {
    const auto id = openWindow();
    helper_->failOn = "vendor-close";
    vendor_->close("bob", id);
    EXPECT_FALSE(vendor_->windowOpen());  // closed for the console whatever the helper said
    helper_->failOn.clear();
    const auto before = helper_->calls.size();
    vendor_->expire();
    ASSERT_EQ(helper_->calls.size(), before + 1);
    EXPECT_EQ(helper_->calls.back().first, "vendor-close");
    vendor_->expire();
    EXPECT_EQ(helper_->calls.size(), before + 1);  // done: not asked again
}

TEST(VendorConfigTest, DefaultsKeysAndBadValuesNamingTheKey) {
    const auto d = readVendorConfig(Settings{});
    EXPECT_EQ(d.maxWindowMinutes, 240);
    EXPECT_FALSE(d.requireApproval);
    EXPECT_EQ(d.interface, "wg0");
    EXPECT_EQ(d.address, "10.8.0.1/24");
    EXPECT_EQ(d.listenPort, 51820);
    Settings s;
    s.set("console.vendor.max_window_minutes", "90");
    s.set("console.vendor.require_approval", "true");
    s.set("console.vendor.interface", "wgvendor0");
    s.set("console.vendor.address", "172.16.5.1/28");
    s.set("console.vendor.endpoint", "vpn.example.cn:51820");
    const auto c = readVendorConfig(s);
    EXPECT_EQ(c.maxWindowMinutes, 90);
    EXPECT_TRUE(c.requireApproval);
    EXPECT_EQ(c.interface, "wgvendor0");
    EXPECT_EQ(c.address, "172.16.5.1/28");
    EXPECT_EQ(c.endpoint, "vpn.example.cn:51820");
    for (const auto& [key, value] :
         std::vector<std::pair<std::string, std::string>>{{"console.vendor.max_window_minutes", "4321"},
                                                          {"console.vendor.interface", "wg0; reboot"},
                                                          {"console.vendor.address", "10.8.0.0/24"},
                                                          {"console.vendor.endpoint", "a b"}}) {
        Settings bad;
        bad.set(key, value);
        try {
            readVendorConfig(bad);
            ADD_FAILURE() << key << "=" << value << " was accepted";
        } catch (const ConfigError& e) {
            EXPECT_NE(e.message().find(key), std::string::npos) << e.message();
        }
    }
}
