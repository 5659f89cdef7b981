// files::writeAtomically: content, mode from the start, parent folders, and a
// link planted at the temporary name is not followed (the console writes the
// first admin's password with it).
#include "core/util/Files.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace medbox;

namespace {
std::string readAll(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
}  // namespace

TEST(FilesTest, WritesTheContentWithTheModeIntoNewFolders) {
    testutil::TempDir dir;
    const std::string path = dir.file("a/b/secret.txt");
    files::writeAtomically(path, "one", 0600);
    files::writeAtomically(path, "two", 0600);
    EXPECT_EQ(readAll(path), "two");
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FilesTest, ALinkAtTheTemporaryNameIsNotFollowed) {
    testutil::TempDir dir;
    const std::string victim = dir.file("victim");
    files::writeAtomically(victim, "untouched", 0644);
    const std::string path = dir.file("secret.txt");
    ASSERT_EQ(::symlink(victim.c_str(), (path + ".tmp." + std::to_string(::getpid())).c_str()), 0);
    EXPECT_THROW(files::writeAtomically(path, "password", 0600), std::runtime_error);
    EXPECT_EQ(readAll(victim), "untouched");
}
