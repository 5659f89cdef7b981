#include "core/config/Settings.h"
#include "core/log/Log.h"

#include <Poco/Logger.h>
#include <gtest/gtest.h>

#include <iostream>
#include <regex>
#include <sstream>

using namespace medbox;

namespace {

// Captures what Poco's ConsoleChannel writes (std::clog) for one test.
class ClogCapture {
public:
    ClogCapture() : old_(std::clog.rdbuf(buf_.rdbuf())) {}
    ~ClogCapture() { std::clog.rdbuf(old_); }
    std::string text() const { return buf_.str(); }

private:
    std::ostringstream buf_;
    std::streambuf* old_;
};

}  // namespace

TEST(LogTest, InvalidLevelIsAConfigErrorNamingTheKey) {
    try {
        log::setup("verbose");
        FAIL() << "no exception";
    } catch (const ConfigError& e) {
        EXPECT_NE(e.message().find("log.level"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("'verbose'"), std::string::npos) << e.message();
    }
}

TEST(LogTest, LinesAreFormattedAndScrubbed) {
    log::setup("info");
    std::string out;
    {
        ClogCapture capture;
        Poco::Logger& logger = Poco::Logger::get("test.log");
        logger.information("booked for 110101199003071234 phone 13812345678");
        logger.debug("not shown at info");
        out = capture.text();
    }
    log::setup("warning");  // quiet for the remaining tests
    EXPECT_NE(out.find("test.log: booked for 110***********1234 phone 138****5678"), std::string::npos) << out;
    EXPECT_EQ(out.find("110101199003071234"), std::string::npos) << out;
    EXPECT_EQ(out.find("not shown"), std::string::npos) << out;
    EXPECT_TRUE(
        std::regex_search(out, std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z Information test\.log: )")))
        << out;
}
