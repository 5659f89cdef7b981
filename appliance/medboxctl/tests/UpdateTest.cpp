#include "Cli.h"
#include "Update.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace fs = std::filesystem;
using medbox::ctl::checkBundlePath;
using medbox::ctl::runRaucInstall;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "medboxctl-update-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { fs::remove_all(path); }
};

void writeFile(const fs::path& p, const std::string& text,
               fs::perms perms = fs::perms::owner_read | fs::perms::owner_write) {
    std::ofstream(p) << text;
    fs::permissions(p, perms);
}

int runCli(std::vector<std::string> args, std::string& out, std::string& err) {
    std::ostringstream o, e;
    int rc = medbox::ctl::run(args, o, e);
    out = o.str();
    err = e.str();
    return rc;
}

}  // namespace

TEST(UpdateTest, ABundleIsAReadableRegularRaucbFileGivenAsAnAbsolutePath) {
    TempDir t;
    writeFile(t.path / "medbox-application-1.1.0.raucb", "x");
    fs::create_directory(t.path / "sub");
    struct Cwd {
        fs::path saved = fs::current_path();
        ~Cwd() { fs::current_path(saved); }
    } restore;
    fs::current_path(t.path);
    EXPECT_EQ(checkBundlePath("./sub/../medbox-application-1.1.0.raucb"),
              (t.path / "medbox-application-1.1.0.raucb").string());
}

TEST(UpdateTest, RefusesWhatIsNotABundleFile) {
    TempDir t;
    writeFile(t.path / "image.tar", "x");
    fs::create_directory(t.path / "dir.raucb");
    EXPECT_THROW(checkBundlePath(""), std::invalid_argument);
    EXPECT_THROW(checkBundlePath((t.path / "image.tar").string()), std::invalid_argument);
    EXPECT_THROW(checkBundlePath((t.path / "missing.raucb").string()), std::invalid_argument);
    EXPECT_THROW(checkBundlePath((t.path / "dir.raucb").string()), std::invalid_argument);
    EXPECT_THROW(checkBundlePath(std::string(5000, 'a') + ".raucb"), std::invalid_argument);
}

TEST(UpdateTest, RunsRaucInstallWithTheBundleAndRelaysItsOutputAndStatus) {
    TempDir t;
    // A stand-in for rauc: records its arguments, prints on both streams.
    writeFile(t.path / "rauc",
              "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$(dirname \"$0\")/args\"\necho 'installing'\necho 'oops' >&2\n"
              "exit \"$(cat \"$(dirname \"$0\")/status\")\"\n",
              fs::perms::owner_all);
    writeFile(t.path / "status", "0");
    std::ostringstream out;
    EXPECT_EQ(runRaucInstall((t.path / "rauc").string(), "/data/x.raucb", out), 0);
    EXPECT_EQ(out.str(), "installing\noops\n");
    std::ifstream args(t.path / "args");
    std::stringstream got;
    got << args.rdbuf();
    EXPECT_EQ(got.str(), "install\n/data/x.raucb\n");

    writeFile(t.path / "status", "1");
    std::ostringstream out2;
    EXPECT_EQ(runRaucInstall((t.path / "rauc").string(), "/data/x.raucb", out2), 1);
}

TEST(UpdateTest, AMissingRaucIsAnError) {
    std::ostringstream out;
    EXPECT_THROW(runRaucInstall("/nonexistent/rauc", "/data/x.raucb", out), std::runtime_error);
}

TEST(UpdateTest, TheCommandLineRefusesABadBundleBeforeRunningRauc) {
    std::string out, err;
    EXPECT_EQ(runCli({"update"}, out, err), 2);
    EXPECT_EQ(runCli({"update", "a.raucb", "b.raucb"}, out, err), 2);
    EXPECT_EQ(runCli({"update", "/nonexistent/x.raucb"}, out, err), 7);
    EXPECT_NE(err.find("/nonexistent/x.raucb"), std::string::npos);
    EXPECT_EQ(runCli({"update", "/etc/hostname"}, out, err), 7);
    EXPECT_NE(err.find(".raucb"), std::string::npos);
}
