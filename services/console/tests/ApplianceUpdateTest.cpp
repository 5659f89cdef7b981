// Updates from the console with a fake helper that answers like RAUC would:
// the upload in pieces (offsets, size limit), install into the other slot
// on its own thread, reboot only after an install in this boot, and the
// outcome after the reboot (new slot good, or fell back), each audited.
#include "ConsoleTestEnv.h"
#include "core/audit/AuditRows.h"
#include "domain/ApplianceUpdate.h"
#include "domain/SetupHelperClient.h"

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

using namespace medbox;
using namespace medbox::console;
namespace fs = std::filesystem;

namespace {

// Slot A booted; after an install B is primary with the bundle's version.
class FakeRauc : public SetupHelper {
public:
    Poco::JSON::Object::Ptr call(const std::string& verb, const Poco::JSON::Object::Ptr&) override {
        std::lock_guard lock(mu);
        verbs.push_back(verb);
        Poco::JSON::Object::Ptr a = new Poco::JSON::Object;
        a->set("ok", true);
        if (verb == "update-install") {
            if (refuse)
                throw AppError(Err::UnitFailed,
                               "the setup helper refused update-install: signature verification failed");
            installed = true;
        }
        if (verb == "update-status") {
            const std::string b = installed ? R"("slot_status":{"bundle":{"version":"0.2.0","hash":"ab12"}})"
                                            : R"("slot_status":{"bundle":{"compatible":null}})";
            a->set("status",
                   Poco::JSON::Parser()
                       .parse(R"({"booted":")" + booted + R"(","boot_primary":")" +
                              (installed ? "rootfs.1" : "rootfs.0") + R"(","slots":[)" +
                              R"({"rootfs.0":{"class":"rootfs","bootname":"A","boot_status":"good","state":")" +
                              (booted == "A" ? "booted" : "inactive") + R"("}},)" +
                              R"({"rootfs.1":{"class":"rootfs","bootname":"B","boot_status":")" + bStatus +
                              R"(","state":")" + (booted == "B" ? "booted" : "inactive") + R"(",)" + b + "}}]}")
                       .extract<Poco::JSON::Object::Ptr>());
        }
        return a;
    }
    std::mutex mu;
    std::vector<std::string> verbs;
    bool installed = false;
    bool refuse = false;
    std::string booted = "A";
    std::string bStatus = "bad";
};

class ApplianceUpdateTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(t_.tmp.path());
        bootId_ = (dir_ / "boot_id").string();
        std::ofstream(bootId_) << "boot-1\n";
        rauc_ = std::make_shared<FakeRauc>();
        update_ = std::make_unique<ApplianceUpdate>(*t_.env, rauc_, rauc_, (dir_ / "updates/bundle.raucb").string(),
                                                    100, bootId_);
    }
    Poco::JSON::Object::Ptr waitForInstall() {
        for (int i = 0; i < 500; ++i) {
            const auto s = update_->state();
            if (s->getObject("install")->getValue<std::string>("state") != "installing") return s;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ADD_FAILURE() << "the install did not end";
        return update_->state();
    }
    std::vector<AuditRow> audit() {
        return t_.db->read([](db::Connection& c) { return auditRowsAfter(c, 0, 100); });
    }

    testenv::ConsoleTestEnv t_;
    fs::path dir_;
    std::string bootId_;
    std::shared_ptr<FakeRauc> rauc_;
    std::unique_ptr<ApplianceUpdate> update_;
};

}  // namespace

TEST_F(ApplianceUpdateTest, UploadInPiecesAtTheRightOffsetsWithinTheLimit) {
    EXPECT_EQ(testenv::errOf([&] { update_->install("admin"); }), Err::Conflict);  // nothing uploaded
    EXPECT_EQ(update_->receive(0, "0123456789")->getValue<int64_t>("receivedBytes"), 10);
    EXPECT_EQ(testenv::errOf([&] { update_->receive(4, "x"); }), Err::Conflict);  // a piece twice
    EXPECT_EQ(testenv::errOf([&] { update_->receive(10, std::string(91, 'x')); }), Err::PayloadTooLarge);
    update_->receive(10, "abc");
    EXPECT_EQ(testenv::errOf([&] { update_->finishUpload("admin", 12); }), Err::Conflict);
    update_->finishUpload("admin", 13);
    std::ifstream in(dir_ / "updates/bundle.raucb");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text, "0123456789abc");
    const auto s = update_->state();
    EXPECT_EQ(s->getObject("upload")->getValue<int64_t>("bundleBytes"), 13);
    EXPECT_EQ(audit().back().action, "appliance.update_upload");
    // Offset 0 starts again.
    update_->receive(0, "new");
    EXPECT_EQ(update_->state()->getObject("upload")->getValue<int64_t>("receivedBytes"), 3);
}

TEST_F(ApplianceUpdateTest, InstallRebootAndTheNewSlotMarkedGood) {
    EXPECT_EQ(testenv::errOf([&] { update_->reboot("admin"); }), Err::Conflict);  // nothing installed
    update_->receive(0, "bundle");
    update_->finishUpload("admin", 6);
    EXPECT_EQ(update_->install("admin")->getValue<std::string>("slot"), "B");
    auto s = waitForInstall();
    EXPECT_EQ(s->getObject("install")->getValue<std::string>("state"), "installed");
    EXPECT_EQ(s->getValue<std::string>("outcome"), "waiting-reboot");
    EXPECT_EQ(s->getObject("last")->getValue<std::string>("version"), "0.2.0");
    EXPECT_FALSE(fs::exists(dir_ / "updates/bundle.raucb"));  // spent
    auto rows = audit();
    ASSERT_GE(rows.size(), 3u);
    EXPECT_EQ(rows[rows.size() - 2].action, "appliance.update_install");
    EXPECT_EQ(rows[rows.size() - 2].outcome, "started");
    EXPECT_EQ(rows.back().action, "appliance.update_install");
    EXPECT_EQ(rows.back().outcome, "ok");
    EXPECT_NE(rows.back().detail.find("0.2.0"), std::string::npos);

    update_->reboot("admin");
    EXPECT_EQ(rauc_->verbs.back(), "update-reboot");
    EXPECT_EQ(audit().back().action, "appliance.update_reboot");

    // The machine comes back in B; the health check has not marked it yet.
    std::ofstream(bootId_) << "boot-2\n";
    rauc_->booted = "B";
    rauc_->bStatus = "";
    EXPECT_EQ(update_->state()->getValue<std::string>("outcome"), "new-slot-unconfirmed");
    EXPECT_EQ(testenv::errOf([&] { update_->reboot("admin"); }), Err::Conflict);  // no install in this boot
    rauc_->bStatus = "good";
    EXPECT_EQ(update_->state()->getValue<std::string>("outcome"), "new-slot-good");
    EXPECT_EQ(update_->state()->getValue<std::string>("outcome"), "new-slot-good");
    rows = audit();
    EXPECT_EQ(rows.back().action, "appliance.update_result");
    EXPECT_EQ(rows.back().outcome, "ok");
    EXPECT_EQ(rows.back().actor, "system");
    EXPECT_EQ(rows[rows.size() - 2].action, "appliance.update_reboot");  // reported once
}

TEST_F(ApplianceUpdateTest, AFallBackIsShownAndAudited) {
    update_->receive(0, "bundle");
    update_->finishUpload("admin", 6);
    update_->install("admin");
    waitForInstall();
    std::ofstream(bootId_) << "boot-2\n";  // rebooted, but A runs again
    EXPECT_EQ(update_->state()->getValue<std::string>("outcome"), "fell-back");
    EXPECT_EQ(audit().back().action, "appliance.update_result");
    EXPECT_EQ(audit().back().outcome, "failed");
}

TEST_F(ApplianceUpdateTest, RaucsRefusalFailsTheInstall) {
    rauc_->refuse = true;
    update_->receive(0, "foreign");
    update_->finishUpload("admin", 7);
    update_->install("admin");
    const auto s = waitForInstall();
    EXPECT_EQ(s->getObject("install")->getValue<std::string>("state"), "failed");
    EXPECT_NE(s->getObject("install")->getValue<std::string>("error").find("signature verification failed"),
              std::string::npos);
    EXPECT_EQ(s->getValue<std::string>("outcome"), "none");
    EXPECT_EQ(audit().back().outcome, "failed");
    EXPECT_EQ(testenv::errOf([&] { update_->reboot("admin"); }), Err::Conflict);
}
