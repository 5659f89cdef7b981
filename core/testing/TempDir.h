#pragma once
// A temporary folder for one test, removed with everything in it at the end.
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/TemporaryFile.h>
#include <string>

namespace medbox::testutil {

class TempDir {
public:
    TempDir() : path_(Poco::TemporaryFile::tempName()) { Poco::File(path_).createDirectories(); }
    ~TempDir() {
        try {
            Poco::File(path_).remove(true);
        } catch (const Poco::Exception&) {
        }
    }
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

}  // namespace medbox::testutil
