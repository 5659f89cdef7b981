// RAUC 1.8's `rauc status --detailed --output-format=json` as the update
// page reads it (tests/fixtures/rauc: the shape of RAUC's JSON output, slots
// as one-key objects, nulls for unknown values).
#include "ConsoleTestEnv.h"
#include "domain/RaucStatus.h"

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace medbox;
using namespace medbox::console;

namespace {

Poco::JSON::Object::Ptr fixture(const std::string& name) {
    const auto path = std::filesystem::path(__FILE__).parent_path() / "../../../tests/fixtures/rauc" / name;
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    return Poco::JSON::Parser().parse(in).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

TEST(RaucStatusTest, ReadsTheRootSlotsOfRaucsJson) {
    const auto st = parseRaucStatus(fixture("status-a-booted.json"));
    EXPECT_EQ(st.compatible, "medbox-application");
    EXPECT_EQ(st.booted, "A");
    EXPECT_EQ(st.bootPrimary, "rootfs.0");
    ASSERT_EQ(st.slots.size(), 2u);  // the efi slot is not a root slot
    const auto& a = st.slots[0];
    EXPECT_EQ(a.name, "rootfs.0");
    EXPECT_EQ(a.bootname, "A");
    EXPECT_TRUE(a.booted);
    EXPECT_TRUE(a.primary);
    EXPECT_EQ(a.bootStatus, "good");
    EXPECT_EQ(a.version, "0.1.0");
    EXPECT_EQ(a.installedAt, "2026-12-01T09:12:44Z");
    EXPECT_EQ(a.bundleHash.size(), 64u);
    const auto& b = st.slots[1];
    EXPECT_FALSE(b.booted);
    EXPECT_FALSE(b.primary);
    EXPECT_EQ(b.bootStatus, "bad");
    EXPECT_EQ(b.version, "");  // "compatible": null, no version: never written
    EXPECT_EQ(st.otherSlot()->bootname, "B");
    EXPECT_EQ(st.bootedSlot()->bootname, "A");
}

TEST(RaucStatusTest, ReadsWhatDebiansRauc18PrintedUnderNspawn) {
    // Captured from nspawn_update_helper (noop boot loader, --override-boot-slot=A):
    // slots not in name order, boot_primary null, nothing installed yet.
    const auto st = parseRaucStatus(fixture("status-nspawn-rauc-1.8.json"));
    EXPECT_EQ(st.booted, "A");
    EXPECT_EQ(st.bootPrimary, "");
    ASSERT_EQ(st.slots.size(), 2u);
    EXPECT_EQ(st.bootedSlot()->name, "rootfs.0");
    EXPECT_EQ(st.otherSlot()->bootname, "B");
    EXPECT_FALSE(st.slots[0].primary);
    EXPECT_EQ(st.slots[0].version, "");
}

TEST(RaucStatusTest, TheBootedSlotIsTheOneWhoseStateSaysSo) {
    // Some RAUC versions print a device as "booted": the slot's state decides.
    const auto st = parseRaucStatus(
        json(R"({"booted":"/dev/vda4","boot_primary":"rootfs.1","slots":[)"
             R"({"rootfs.0":{"class":"rootfs","bootname":"A","state":"inactive"}},)"
             R"({"rootfs.1":{"class":"rootfs","bootname":"B","state":"booted","boot_status":"good"}}]})"));
    EXPECT_EQ(st.booted, "B");
    EXPECT_TRUE(st.slots[1].primary);
    EXPECT_EQ(st.otherSlot()->bootname, "A");
    const auto out = toJson(st);
    EXPECT_EQ(out->getValue<std::string>("booted"), "B");
    EXPECT_TRUE(out->getArray("slots")->getObject(1)->getValue<bool>("booted"));
}

TEST(RaucStatusTest, OtherShapesAreRefusedWithAClearError) {
    std::string message;
    for (const auto* text : {R"({"booted":"A"})", R"({"slots":{}})", R"({"slots":[{"a":1,"b":2}]})",
                             R"({"slots":[{"rootfs.0":"x"}]})", R"({"slots":[{"efi.0":{"class":"efi"}}]})"}) {
        EXPECT_EQ(testenv::errOf([&] { parseRaucStatus(json(text)); }, nullptr, &message), Err::UnitFailed) << text;
        EXPECT_NE(message.find("rauc status"), std::string::npos) << message;
    }
    EXPECT_EQ(testenv::errOf([&] { parseRaucStatus(nullptr); }), Err::UnitFailed);
}
