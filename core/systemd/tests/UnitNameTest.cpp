#include "core/systemd/Error.h"
#include "core/systemd/UnitName.h"

#include <gtest/gtest.h>

#include <string>

using medbox::systemd::Error;
using medbox::systemd::ErrorCode;
using medbox::systemd::isMedboxUnitName;
using medbox::systemd::resolveMedboxUnit;
using medbox::systemd::whyNotMedboxUnit;

TEST(UnitNameTest, AcceptsMedboxServicesTimersAndInstances) {
    for (const char* name : {"medbox-booking.service", "medbox-backup.timer", "medbox-a.service", "medbox-9.timer",
                             "medbox-his-bridge2.service", "medbox-backup@daily.service",
                             "medbox-backup@san:lun_1.timer", "medbox-x@a.b-c.service"}) {
        EXPECT_TRUE(isMedboxUnitName(name)) << name << ": " << whyNotMedboxUnit(name);
    }
}

TEST(UnitNameTest, RefusesOtherUnitsTypesAndPathTricks) {
    const std::string nul("medbox-a\0.service", 17);
    for (const std::string& name : std::initializer_list<std::string>{"",
                                                                      "ssh.service",
                                                                      "systemd-journald.service",
                                                                      "dbus.service",
                                                                      "medbox.service",
                                                                      "medboxbooking.service",
                                                                      "Medbox-booking.service",
                                                                      "medbox-booking.socket",
                                                                      "medbox-booking.target",
                                                                      "medbox-booking",
                                                                      "medbox-booking.service.d",
                                                                      "medbox-.service",
                                                                      "medbox--x.service",
                                                                      "medbox-Booking.service",
                                                                      "medbox-a/b.service",
                                                                      "medbox-../ssh.service",
                                                                      "../medbox-a.service",
                                                                      "/etc/systemd/system/medbox-a.service",
                                                                      "medbox-a b.service",
                                                                      "medbox-a\n.service",
                                                                      "medbox-*.service",
                                                                      "medbox-a?.service",
                                                                      "medbox-a.service ",
                                                                      "medbox-x@.service",
                                                                      "medbox-@x.service",
                                                                      "medbox-x@a\\x2fb.service",
                                                                      "medbox-x@a/b.service",
                                                                      "medbox-x@..service",
                                                                      "medbox-x@a..b.service",
                                                                      "medbox-x@.hidden.service",
                                                                      "medbox-x@a@b.service",
                                                                      nul}) {
        EXPECT_FALSE(isMedboxUnitName(name)) << name;
        EXPECT_FALSE(whyNotMedboxUnit(name).empty());
    }
}

TEST(UnitNameTest, EnforcesSystemdLengthLimit) {
    std::string stem(255 - std::string("medbox-.service").size(), 'a');
    EXPECT_TRUE(isMedboxUnitName("medbox-" + stem + ".service"));
    EXPECT_FALSE(isMedboxUnitName("medbox-" + stem + "a.service"));
}

TEST(UnitNameTest, ExplainsTheRefusal) {
    auto why = whyNotMedboxUnit("ssh.service");
    EXPECT_NE(why.find("\"ssh.service\" is not a medbox unit"), std::string::npos) << why;
    EXPECT_NE(why.find("medbox-*.service"), std::string::npos) << why;
    // Unprintable names are not echoed back to the terminal.
    auto hostile = whyNotMedboxUnit("\x1b[2Jevil.service");
    EXPECT_EQ(hostile.find('\x1b'), std::string::npos) << hostile;
    EXPECT_NE(whyNotMedboxUnit("medbox-x@.service").find("template"), std::string::npos);
}

TEST(UnitNameTest, ResolvesShortNames) {
    EXPECT_EQ(resolveMedboxUnit("booking"), "medbox-booking.service");
    EXPECT_EQ(resolveMedboxUnit("medbox-booking"), "medbox-booking.service");
    EXPECT_EQ(resolveMedboxUnit("backup@daily"), "medbox-backup@daily.service");
    EXPECT_EQ(resolveMedboxUnit("medbox-booking.service"), "medbox-booking.service");
    EXPECT_EQ(resolveMedboxUnit("medbox-backup.timer"), "medbox-backup.timer");
}

TEST(UnitNameTest, NamesWithASuffixAreNeverPrefixed) {
    // Otherwise "systemd-journald.service" would quietly become a medbox name.
    for (const char* input : {"systemd-journald.service", "ssh.service", "booking.service", "backup.timer"}) {
        try {
            resolveMedboxUnit(input);
            ADD_FAILURE() << input << " was accepted";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::InvalidUnitName) << input;
            EXPECT_NE(std::string(e.what()).find("not a medbox unit"), std::string::npos) << e.what();
        }
    }
}

TEST(UnitNameTest, ShortFormsCannotSmuggleInPaths) {
    for (const char* input : {"", "../booking", "a/b", "/booking", "BOOKING", "book ing", "-booking", "*"}) {
        EXPECT_THROW(resolveMedboxUnit(input), Error) << input;
    }
}

TEST(UnitNameTest, ErrorCodesHaveStableNames) {
    EXPECT_EQ(medbox::systemd::errorCodeName(ErrorCode::NoBus), "no-bus");
    EXPECT_EQ(medbox::systemd::errorCodeName(ErrorCode::InvalidUnitName), "invalid-unit-name");
}
