#include "HwProfile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace medbox::ctl;

namespace {

const std::string kMinimal = R"({"schema": "medbox.hwprofile/1", "name": "tiny"})";

// The error message of parsing json, or "" when it parses.
std::string errorOf(const std::string& json) {
    try {
        parseProfile(json, "test.json");
    } catch (const ProfileError& e) {
        return e.what();
    }
    return "";
}

std::string withCpu(const std::string& cpu) {
    return R"({"schema": "medbox.hwprofile/1", "name": "t", "cpu": )" + cpu + "}";
}

}  // namespace

TEST(HwProfileTest, EveryShippedProfileLoadsAndIsNamedAfterItsFile) {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(MEDBOX_HWPROFILES_SRC)) {
        if (entry.path().extension() != ".json") continue;
        ++count;
        HwProfile p;
        ASSERT_NO_THROW(p = loadProfileFile(entry.path())) << entry.path();
        EXPECT_EQ(p.name, entry.path().stem().string());
        EXPECT_FALSE(p.source.empty()) << p.name << " must cite its source";
        EXPECT_TRUE(p.cpuSockets && p.memoryMiB) << p.name;
        EXPECT_FALSE(p.disks.empty()) << p.name;
        EXPECT_FALSE(p.nics.empty()) << p.name;
        for (const auto& part : p.layout) {
            EXPECT_FALSE(part.why.empty()) << p.name << " " << part.mount;
        }
    }
    EXPECT_EQ(count, 4);
}

// The figures of the seed document's self-built model (§4.2 and §4.3.1).
TEST(HwProfileTest, ProfilesCarryTheSeedSpecification) {
    auto app = loadProfileFile(fs::path(MEDBOX_HWPROFILES_SRC) / "application.json");
    EXPECT_EQ(app.cpuSockets->min, 2);
    EXPECT_EQ(app.cpuFrequencyMHz->min, 2000);
    EXPECT_EQ(app.cpuThreadsPerSocket->min, 8);
    EXPECT_EQ(app.cpuCachePerSocketMiB->min, 12);
    EXPECT_EQ(app.memoryMiB->min, 8192);
    ASSERT_EQ(app.disks.size(), 1u);
    EXPECT_EQ(app.disks[0].minSizeGB, 100);
    EXPECT_EQ(app.disks[0].transports, std::vector<std::string>{"sas"});
    ASSERT_EQ(app.nics.size(), 1u);
    EXPECT_EQ(app.nics[0].minSpeedMbps, 1000);
    ASSERT_TRUE(app.fcHbas);
    EXPECT_EQ(app.fcHbas->count, 2);
    EXPECT_EQ(app.fcHbas->minSpeedGbit, 8);
    EXPECT_EQ(app.powerSupplies->min, 2);

    auto db = loadProfileFile(fs::path(MEDBOX_HWPROFILES_SRC) / "database.json");
    EXPECT_EQ(db.cpuSockets->min, 4);
    EXPECT_EQ(db.cpuThreadsPerSocket->min, 16);
    EXPECT_EQ(db.cpuCachePerSocketMiB->min, 24);
    EXPECT_EQ(db.memoryMiB->min, 16384);

    auto backup = loadProfileFile(fs::path(MEDBOX_HWPROFILES_SRC) / "backup.json");
    EXPECT_EQ(backup.cpuFrequencyMHz->min, 2400);
    EXPECT_EQ(backup.disks[0].count, 2);
    EXPECT_EQ(backup.disks[0].minSizeGB, 146);
    EXPECT_FALSE(backup.fcHbas);

    auto fe = loadProfileFile(fs::path(MEDBOX_HWPROFILES_SRC) / "frontend.json");
    ASSERT_EQ(fe.nics.size(), 4u);
    for (const auto& n : fe.nics) EXPECT_EQ(n.minSpeedMbps, 1000) << n.role;
    EXPECT_EQ(fe.nics[0].role, "dmz");
    EXPECT_EQ(fe.disks[0].count, 2);
    EXPECT_EQ(fe.disks[0].minSizeGB, 300);
}

TEST(HwProfileTest, MinimalProfile) {
    auto p = parseProfile(kMinimal, "x");
    EXPECT_EQ(p.name, "tiny");
    EXPECT_FALSE(p.cpuSockets);
    EXPECT_TRUE(p.disks.empty());
}

TEST(HwProfileTest, ErrorsNameTheFileAndKeyPath) {
    EXPECT_EQ(errorOf(withCpu(R"({"sockts": {"min": 2}})")), "test.json: cpu.sockts: unknown key");
    EXPECT_EQ(errorOf(withCpu(R"({"sockets": {"min": "2"}})")), "test.json: cpu.sockets.min: must be a number");
    EXPECT_EQ(errorOf(withCpu(R"({"sockets": {"min": true}})")), "test.json: cpu.sockets.min: must be a number");
    EXPECT_EQ(errorOf(withCpu(R"({"sockets": {"min": 0}})")), "test.json: cpu.sockets.min: must be between 1 and 64");
    EXPECT_EQ(errorOf(withCpu(R"({"sockets": {"min": 1.5}})")), "test.json: cpu.sockets.min: must be a whole number");
    EXPECT_EQ(errorOf(withCpu(R"({"sockets": {"min": 2, "max": 4}})")), "test.json: cpu.sockets.max: unknown key");
    EXPECT_EQ(errorOf(withCpu(R"({"sockets": 2})")), "test.json: cpu.sockets: must be an object");
    EXPECT_EQ(errorOf(R"({"schema": "medbox.hwprofile/1", "name": "t", "disks": [{"role": "system", "count": 1,
                          "minSizeGB": 1, "transports": ["scsi"]}]})"),
              "test.json: disks[0].transports[0]: unknown value \"scsi\"");
    EXPECT_EQ(errorOf(R"({"schema": "medbox.hwprofile/1", "name": "t", "nics": [
                          {"role": "lan", "count": 1, "minSpeedMbps": 1000},
                          {"role": "lan", "count": 1, "minSpeedMbps": 1000}]})"),
              "test.json: nics[1].role: must be a unique word (a-z, 0-9, '-')");
    EXPECT_EQ(
        errorOf(
            R"({"schema": "medbox.hwprofile/1", "name": "t", "layout": {"partitions": [{"mount": "var", "minGiB": 1}]}})"),
        "test.json: layout.partitions[0].mount: must be an absolute path or \"swap\"");
}

TEST(HwProfileTest, RejectsWrongSchemaNamesAndJson) {
    EXPECT_EQ(errorOf(R"({"schema": "medbox.hwprofile/2", "name": "t"})"),
              "test.json: schema: must be \"medbox.hwprofile/1\"");
    EXPECT_EQ(errorOf(R"({"schema": "medbox.hwprofile/1"})"), "test.json: name: missing");
    EXPECT_EQ(errorOf(R"({"schema": "medbox.hwprofile/1", "name": "../x"})"),
              "test.json: name: only a-z, 0-9 and '-' (at most 64)");
    EXPECT_NE(errorOf("{not json").find("test.json: not valid JSON"), std::string::npos);
    EXPECT_NE(errorOf("[1, 2]").find("test.json: not a JSON object"), std::string::npos);
    EXPECT_EQ(errorOf(R"({"schema": "medbox.hwprofile/1", "name": "t", "colour": "red"})"),
              "test.json: colour: unknown key");
}

TEST(HwProfileTest, FindsProfilesByNameOrFile) {
    setenv("MEDBOX_HWPROFILES_DIR", "/nonexistent:" MEDBOX_HWPROFILES_SRC, 1);
    EXPECT_EQ(findProfile("database").name, "database");
    EXPECT_EQ(findProfile(std::string(MEDBOX_HWPROFILES_SRC) + "/backup.json").name, "backup");
    try {
        findProfile("nosuch");
        FAIL();
    } catch (const ProfileError& e) {
        EXPECT_NE(std::string(e.what()).find("no profile named \"nosuch\" in /nonexistent, " MEDBOX_HWPROFILES_SRC),
                  std::string::npos)
            << e.what();
    }
    // A name is a name: no path tricks through the directory list.
    EXPECT_THROW(findProfile("..%2fetc"), ProfileError);
    EXPECT_THROW(findProfile("/nonexistent/x.json"), ProfileError);
    unsetenv("MEDBOX_HWPROFILES_DIR");
}
