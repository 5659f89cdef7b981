// The helper's update verbs with a fake rauc that records its arguments:
// fixed arguments only, the bundle only from Options::updateBundle, and
// RAUC's refusal passed back as the answer's error.
#include "SetupHelper.h"
#include "UpdateVerbs.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace medbox::setuphelper;
namespace fs = std::filesystem;

namespace {

class UpdateVerbsTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/updateverbs-XXXXXX";
        root_ = ::mkdtemp(tmpl);
        opt_.root = root_;
        opt_.live = false;
        opt_.rauc = root_ + "/fake-rauc";
        opt_.updateBundle = root_ + "/updates/bundle.raucb";
        fs::create_directories(root_ + "/updates");
        // Refuses a bundle whose first bytes say "foreign", as RAUC refuses
        // one signed by another CA.
        std::ofstream(opt_.rauc)
            << "#!/bin/sh\necho \"$@\" >> " << root_ << "/rauc.log\n"
            << "case \"$1\" in\n"
            << "status) echo 'rauc-Message: noise'; echo '{\"booted\":\"A\",\"slots\":[]}' ;;\n"
            << "install) grep -q foreign \"$2\" && { echo 'signature verification failed: "
               "unable to get local issuer certificate' >&2; exit 1; }; echo 'Installing done.' ;;\n"
            << "esac\n";
        ::chmod(opt_.rauc.c_str(), 0755);
    }
    void TearDown() override { fs::remove_all(root_); }

    std::string call(const std::string& line) {
        std::ostringstream s;
        handle(opt_, line)->stringify(s);
        return s.str();
    }
    std::string log() {
        std::ifstream in(root_ + "/rauc.log");
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

    std::string root_;
    Options opt_;
};

}  // namespace

TEST_F(UpdateVerbsTest, StatusRunsRaucWithFixedArgumentsAndAnswersItsObject) {
    EXPECT_EQ(call(R"({"verb":"update-status"})"), R"({"ok":true,"status":{"booted":"A","slots":[]}})");
    EXPECT_EQ(log(), "status --detailed --output-format=json\n");
}

TEST_F(UpdateVerbsTest, InstallTakesOnlyTheUploadedBundle) {
    // Nothing uploaded yet: refused before rauc runs.
    EXPECT_NE(call(R"({"verb":"update-install"})").find("cannot be read"), std::string::npos);
    // A request naming a path is refused whatever the path.
    std::ofstream(root_ + "/other.raucb") << "bundle";
    EXPECT_NE(call(R"({"verb":"update-install","bundle":")" + root_ + R"(/other.raucb"})").find("takes no arguments"),
              std::string::npos);
    EXPECT_NE(call(R"({"verb":"update-status","args":["--keyring","/tmp/k"]})").find("takes no arguments"),
              std::string::npos);
    // A symlink in the upload folder is not followed.
    fs::create_symlink(root_ + "/other.raucb", opt_.updateBundle);
    EXPECT_NE(call(R"({"verb":"update-install"})").find("not a regular file"), std::string::npos);
    fs::remove(opt_.updateBundle);
    std::ofstream(opt_.updateBundle).flush();
    EXPECT_NE(call(R"({"verb":"update-install"})").find("is empty"), std::string::npos);
    EXPECT_EQ(log(), "");

    std::ofstream(opt_.updateBundle) << "signed bundle";
    EXPECT_EQ(call(R"({"verb":"update-install"})"), R"({"ok":true,"output":"Installing done.\n"})");
    EXPECT_EQ(log(), "install " + opt_.updateBundle + "\n");
}

TEST_F(UpdateVerbsTest, RaucsRefusalIsTheAnswersError) {
    std::ofstream(opt_.updateBundle) << "foreign";
    const auto a = call(R"({"verb":"update-install"})");
    EXPECT_NE(a.find(R"("ok":false)"), std::string::npos);
    EXPECT_NE(a.find("signature verification failed"), std::string::npos) << a;
}

TEST_F(UpdateVerbsTest, RebootRunsNothingInFilesOnlyMode) {
    EXPECT_EQ(call(R"({"verb":"update-reboot"})"), R"({"ok":true})");
    EXPECT_EQ(call(R"({"verb":"update-reboot","when":"now"})").find(R"("ok":true)"), std::string::npos);
    opt_.live = true;
    opt_.systemctl = opt_.rauc;  // records "reboot"
    EXPECT_EQ(call(R"({"verb":"update-reboot"})"), R"({"ok":true})");
    EXPECT_EQ(log(), "reboot\n");
}

TEST(UpdateBundleCheck, NameMustEndInRaucb) { EXPECT_EQ(checkUpdateBundle("/tmp/x.tar"), "is not named *.raucb"); }

TEST(ServeTest, CutsAtTheFirstNewlineAndRefusesOversizedLines) {
    Options opt;
    opt.live = false;
    EXPECT_EQ(serve(opt, "{\"verb\":\"nope\"}\n{\"verb\":\"hostname\"}"),
              "{\"error\":\"unknown verb nope\",\"ok\":false}\n");
    EXPECT_EQ(serve(opt, std::string(kMaxRequest, ' ')), "{\"ok\":false,\"error\":\"request too large\"}\n");
    EXPECT_EQ(serve(opt, "\xff\xfe"), "{\"error\":\"the request is not one JSON object\",\"ok\":false}\n");
}
