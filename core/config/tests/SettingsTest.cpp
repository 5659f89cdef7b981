#include "core/config/Settings.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace medbox;

namespace {

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
}

std::string errorOf(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const ConfigError& e) {
        return e.message();
    }
    return "no ConfigError";
}

}  // namespace

TEST(SettingsTest, EnvironmentMapsDoubleUnderscoreToDotsAndLowerCases) {
    Settings s;
    std::string a = "MEDBOX_HTTP__PORT=8443", b = "MEDBOX_OUTBOX__DESTINATIONS__PORTAL=https://x", c = "PATH=/bin",
                d = "OTHER_HTTP__PORT=1", e = "MEDBOX_BUILD_DIR=/tmp/build";
    char* env[] = {a.data(), b.data(), c.data(), d.data(), e.data(), nullptr};
    s.loadEnvironment(env);
    EXPECT_EQ(s.integer("http.port", 1, 0, 65535), 8443);
    EXPECT_EQ(s.str("outbox.destinations.portal", ""), "https://x");
    EXPECT_FALSE(s.has("path"));
    EXPECT_FALSE(s.has("other_http.port"));
    EXPECT_FALSE(s.has("build_dir"));  // no section: a script's variable, not configuration
    EXPECT_NO_THROW(s.rejectUnknownKeys());
}

TEST(SettingsTest, LayersCommandLineOverEnvironmentOverFileOverDefault) {
    testutil::TempDir dir;
    writeFile(dir.file("a.properties"), "s.a = file\ns.b = file\ns.c = file\n");
    Settings s;
    s.loadFile(dir.file("a.properties"));
    std::string e1 = "MEDBOX_S__A=env", e2 = "MEDBOX_S__B=env";
    char* env[] = {e1.data(), e2.data(), nullptr};
    s.loadEnvironment(env);
    s.set("s.a", "cli");
    EXPECT_EQ(s.str("s.a", "def"), "cli");
    EXPECT_EQ(s.str("s.b", "def"), "env");
    EXPECT_EQ(s.str("s.c", "def"), "file");
    EXPECT_EQ(s.str("s.d", "def"), "def");
}

TEST(SettingsTest, LoadsIniAndJsonByExtension) {
    testutil::TempDir dir;
    writeFile(dir.file("s.ini"), "[http]\nport = 9000\n");
    writeFile(
        dir.file("s.json"),
        R"({"outbox": {"destinations": {"portal": "http://p", "hisbridge": "http://h"}}, "log": {"level": "debug"}})");
    Settings s;
    s.loadFile(dir.file("s.ini"));
    s.loadFile(dir.file("s.json"));
    EXPECT_EQ(s.integer("http.port", 0, 0, 65535), 9000);
    EXPECT_EQ(s.choice("log.level", "info", {"debug", "info"}), "debug");
    EXPECT_EQ(s.children("outbox.destinations"), (std::vector<std::string>{"hisbridge", "portal"}));
    EXPECT_EQ(s.str("outbox.destinations.portal", ""), "http://p");
    EXPECT_EQ(s.str("outbox.destinations.hisbridge", ""), "http://h");
    EXPECT_NO_THROW(s.rejectUnknownKeys());
}

TEST(SettingsTest, JsonArrayIsOneKey) {
    testutil::TempDir dir;
    writeFile(dir.file("s.json"), R"({"tls": {"names": ["localhost", "127.0.0.1"]}, "extra": [1]})");
    Settings s;
    s.loadFile(dir.file("s.json"));
    EXPECT_EQ(s.str("tls.names[1]", ""), "127.0.0.1");
    std::string msg = errorOf([&] { s.rejectUnknownKeys(); });
    EXPECT_EQ(msg.find("tls.names"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'extra'"), std::string::npos) << msg;
}

TEST(SettingsTest, UnknownKeyIsRejectedNamingItsOrigin) {
    testutil::TempDir dir;
    writeFile(dir.file("s.properties"), "http.port = 80\nhttp.prot = 81\n");
    Settings s;
    s.loadFile(dir.file("s.properties"));
    std::string e = "MEDBOX_LOG__LEVLE=debug";
    char* env[] = {e.data(), nullptr};
    s.loadEnvironment(env);
    s.set("db.readerz", "3");
    EXPECT_EQ(s.integer("http.port", 0, 0, 65535), 80);
    std::string msg = errorOf([&] { s.rejectUnknownKeys(); });
    EXPECT_NE(msg.find("unknown configuration key 'http.prot' (from file " + dir.file("s.properties") + ")"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("unknown configuration key 'log.levle' (from environment MEDBOX_LOG__LEVLE)"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("unknown configuration key 'db.readerz' (from command line)"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("'http.port'"), std::string::npos) << msg;
}

TEST(SettingsTest, BadIntegerNamesKeyAndExpectation) {
    Settings s;
    s.set("http.port", "abc");
    EXPECT_EQ(errorOf([&] { s.integer("http.port", 8080, 0, 65535); }),
              "http.port: expected an integer from 0 to 65535, got 'abc'");
    s.set("http.port", "70000");
    EXPECT_EQ(errorOf([&] { s.integer("http.port", 8080, 0, 65535); }),
              "http.port: expected an integer from 0 to 65535, got '70000'");
    s.set("http.port", "12x");
    EXPECT_NE(errorOf([&] { s.integer("http.port", 8080, 0, 65535); }).find("got '12x'"), std::string::npos);
    s.set("http.port", "443");
    EXPECT_EQ(s.integer("http.port", 8080, 0, 65535), 443);
    EXPECT_EQ(s.integer("http.workers", 8, 1, 64), 8);
}

TEST(SettingsTest, FlagChoiceAndRequiredValidate) {
    Settings s;
    s.set("tls.enabled", "maybe");
    s.set("log.level", "verbose");
    s.set("empty", "");
    EXPECT_EQ(errorOf([&] { s.flag("tls.enabled", false); }), "tls.enabled: expected true or false, got 'maybe'");
    s.set("tls.enabled", "Yes");
    EXPECT_TRUE(s.flag("tls.enabled", false));
    EXPECT_FALSE(s.flag("other.flag", false));
    EXPECT_EQ(errorOf([&] {
                  s.choice("log.level", "info", {"debug", "info"});
              }),
              "log.level: expected one of debug, info, got 'verbose'");
    EXPECT_NE(errorOf([&] { s.required("empty"); }).find("empty: expected a non-empty value"), std::string::npos);
    EXPECT_NE(errorOf([&] { s.required("tls.cert"); }).find("MEDBOX_TLS__CERT"), std::string::npos);
}

TEST(SettingsTest, ValuesAreLiteralNotExpanded) {
    Settings s;
    s.set("secret", "a${b}c");
    s.set("b", "X");
    EXPECT_EQ(s.str("secret", ""), "a${b}c");
}

TEST(SettingsTest, FileErrorsNameTheFile) {
    testutil::TempDir dir;
    Settings s;
    EXPECT_NE(errorOf([&] { s.loadFile(dir.file("missing.properties")); }).find(dir.file("missing.properties")),
              std::string::npos);
    writeFile(dir.file("s.yaml"), "a: 1\n");
    std::string msg = errorOf([&] { s.loadFile(dir.file("s.yaml")); });
    EXPECT_NE(msg.find("s.yaml"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unknown extension"), std::string::npos) << msg;
    writeFile(dir.file("bad.json"), "{ not json");
    msg = errorOf([&] { s.loadFile(dir.file("bad.json")); });
    EXPECT_NE(msg.find("bad.json"), std::string::npos) << msg;
}

TEST(SettingsTest, MalformedEnvironmentKeyIsAnError) {
    Settings s;
    std::string e = "MEDBOX_A____B=1";
    char* env[] = {e.data(), nullptr};
    EXPECT_NE(errorOf([&] { s.loadEnvironment(env); }).find("MEDBOX_A____B"), std::string::npos);
}

TEST(SettingsTest, ExceptionDisplaysAsConfigurationError) {
    ConfigError e("x: bad");
    EXPECT_EQ(e.displayText(), "Configuration error: x: bad");
}

// Found by the fuzz target: a key with an empty part overflowed the stack.
TEST(SettingsTest, AKeyWithAnEmptyPartIsAConfigErrorNotACrash) {
    testutil::TempDir dir;
    for (const char* text : {".h = 1\n", "a..b = 1\n", "a. = 1\n"}) {
        writeFile(dir.file("s.properties"), text);
        Settings s;
        s.loadFile(dir.file("s.properties"));
        EXPECT_THROW(s.rejectUnknownKeys(), ConfigError) << text;
    }
}
