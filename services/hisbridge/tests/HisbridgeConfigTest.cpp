// Every hisbridge.* key: defaults, per-partner character sets, bad values
// refused with the key named.
#include "domain/HisbridgeConfig.h"
#include <gtest/gtest.h>

using namespace medbox;
using namespace medbox::hisbridge;

TEST(HisbridgeConfigTest, DefaultsListenOnTheMllpPortForTheLan) {
    Settings s;
    const HisbridgeConfig c = readHisbridgeConfig(s);
    EXPECT_TRUE(c.mllpEnabled);
    EXPECT_EQ(c.mllp.port, 2575);
    EXPECT_EQ(c.mllp.host, "0.0.0.0");
    EXPECT_EQ(c.mllp.name, "mllp");
    EXPECT_EQ(c.limits.maxBytes, c.mllp.maxFrameBytes);
    EXPECT_EQ(c.defaultCharset, hl7::Charset::Utf8);
    EXPECT_EQ(c.charsetFor("HIS"), hl7::Charset::Utf8);
}

TEST(HisbridgeConfigTest, PartnersHaveTheirOwnCharset) {
    Settings s;
    s.set("hisbridge.hl7.charset", "GBK");
    s.set("hisbridge.partners.his.application", "HIS");
    s.set("hisbridge.partners.his.charset", "GB18030");
    s.set("hisbridge.partners.lis.application", "LIS");
    s.set("hisbridge.mllp.max_frame_bytes", "65536");
    const HisbridgeConfig c = readHisbridgeConfig(s);
    EXPECT_EQ(c.charsetFor("HIS"), hl7::Charset::Gb18030);
    EXPECT_EQ(c.charsetFor("LIS"), hl7::Charset::Utf8);   // a partner without .charset: UTF-8
    EXPECT_EQ(c.charsetFor("QUEUE"), hl7::Charset::Gbk);  // nobody's: hisbridge.hl7.charset
    EXPECT_EQ(c.limits.maxBytes, 65536u);
}

TEST(HisbridgeConfigTest, BadValuesNameTheirKey) {
    auto refused = [](const std::vector<std::pair<std::string, std::string>>& kv, const std::string& key) {
        Settings s;
        for (const auto& [k, v] : kv) s.set(k, v);
        try {
            readHisbridgeConfig(s);
        } catch (const ConfigError& e) {
            return e.displayText().find(key) != std::string::npos;
        }
        return false;
    };
    EXPECT_TRUE(refused({{"hisbridge.hl7.charset", "LATIN1"}}, "hisbridge.hl7.charset"));
    EXPECT_TRUE(refused({{"hisbridge.mllp.port", "70000"}}, "hisbridge.mllp.port"));
    EXPECT_TRUE(refused({{"hisbridge.partners.a.charset", "GBK"}}, "hisbridge.partners.a.application"));
    EXPECT_TRUE(refused({{"hisbridge.partners.a.application", "HIS"}, {"hisbridge.partners.b.application", "HIS"}},
                        "hisbridge.partners.b.application"));
    EXPECT_TRUE(refused({{"hisbridge.his.port", "0x"}}, "hisbridge.his.port"));
    EXPECT_TRUE(refused({{"hisbridge.his.charset", "BIG5"}}, "hisbridge.his.charset"));
    EXPECT_TRUE(refused({{"hisbridge.partners.a.address", "his.example"}}, "hisbridge.partners.a.address"));
    EXPECT_TRUE(refused({{"hisbridge.partners.a.address", "10.0.0.1"}, {"hisbridge.partners.b.address", "10.0.0.1"}},
                        "hisbridge.partners.b.address"));
    EXPECT_TRUE(refused({{"hisbridge.partners.a.address", "10.0.0.1"}, {"hisbridge.partners.a.his_port", "65536"}},
                        "hisbridge.partners.a.his_port"));
}

TEST(HisbridgeConfigTest, TheSocketListenerTakesOneRequestPerConnectionOn2576) {
    Settings s;
    s.set("hisbridge.partners.his.address", "10.10.2.10");
    s.set("hisbridge.partners.his.his_port", "2577");
    s.set("hisbridge.partners.his.charset", "GBK");
    s.set("hisbridge.partners.lis.application", "LIS");
    const HisbridgeConfig c = readHisbridgeConfig(s);
    EXPECT_TRUE(c.hisEnabled);
    EXPECT_EQ(c.his.port, 2576);
    EXPECT_EQ(c.his.name, "his");
    EXPECT_TRUE(c.his.oneFramePerConnection);
    EXPECT_EQ(c.his.readTimeoutMs, 10'000);
    ASSERT_EQ(c.hisPartners.size(), 1u);  // lis has no address: HL7 only
    const auto* p = c.hisPartnerAt("10.10.2.10");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->name, "his");
    EXPECT_EQ(p->port, 2577);
    EXPECT_EQ(p->charset, hl7::Charset::Gbk);
    EXPECT_EQ(p->answerTimeoutMs, 15'000);
    EXPECT_FALSE(c.hisPartnerAt("10.10.2.11"));
    EXPECT_TRUE(p->retries("9001"));  // default: 9xxx
    EXPECT_FALSE(p->retries("2001"));
}

TEST(HisbridgeConfigTest, RetryCodesArePerPartner) {
    Settings s;
    s.set("hisbridge.partners.his.address", "10.10.2.10");
    s.set("hisbridge.partners.his.retry_codes", "9xxx, 2005,1x0x");
    const HisbridgeConfig c = readHisbridgeConfig(s);
    const auto& p = c.hisPartners.at(0);
    EXPECT_TRUE(p.retries("9002"));
    EXPECT_TRUE(p.retries("2005"));
    EXPECT_TRUE(p.retries("1101"));
    EXPECT_FALSE(p.retries("2001"));
    EXPECT_FALSE(p.retries("1011"));
    for (const char* bad : {"9x", "abcd", "0000", "90011"}) {
        Settings b;
        b.set("hisbridge.partners.his.address", "10.10.2.10");
        b.set("hisbridge.partners.his.retry_codes", bad);
        EXPECT_THROW(readHisbridgeConfig(b), ConfigError) << bad;
    }
}

TEST(HisbridgeConfigTest, DowntimeAndRetentionSettings) {
    Settings s;
    s.set("hisbridge.partners.his.address", "10.0.0.5");
    s.set("hisbridge.partners.his.his_port", "2577");
    s.set("hisbridge.partners.his.down_after_failures", "5");
    s.set("hisbridge.partners.his.down_after_seconds", "30");
    s.set("hisbridge.partners.his.max_backoff_ms", "2000");
    s.set("hisbridge.retention.days", "30");
    const HisbridgeConfig c = readHisbridgeConfig(s);
    ASSERT_NE(c.sendingPartner(), nullptr);
    EXPECT_EQ(c.sendingPartner()->downAfterFailures, 5);
    EXPECT_EQ(c.sendingPartner()->downAfterMs, 30'000);
    EXPECT_EQ(c.sendingPartner()->maxBackoffMs, 2000);
    EXPECT_EQ(c.retentionMs, 30LL * 86'400'000);
    EXPECT_EQ(readHisbridgeConfig(Settings{}).retentionMs, 90LL * 86'400'000);
    Settings bad;
    bad.set("hisbridge.retention.days", "0");
    try {
        readHisbridgeConfig(bad);
        FAIL() << "retention of 0 days taken";
    } catch (const ConfigError& e) {
        EXPECT_NE(e.displayText().find("hisbridge.retention.days"), std::string::npos) << e.displayText();
    }
    Settings badDown;
    badDown.set("hisbridge.partners.his.address", "10.0.0.5");
    badDown.set("hisbridge.partners.his.down_after_failures", "0");
    EXPECT_THROW(readHisbridgeConfig(badDown), ConfigError);
}
