// Per-partner figures: each HL7 sender with its rate over the last minute and
// its failed messages (queue, oldest, failures), the HIS partner with its
// queue, and the same numbers on /metrics as labelled gauges.
#include "SenderFixture.h"
#include "domain/PartnerFigures.h"

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;

namespace {

class PartnerFiguresTest : public SenderFixture {
protected:
    std::vector<PartnerFigures> figures() {
        return db_->read([&](db::Connection& c) { return partnerFigures(c, env_->config, env_->now()); });
    }
    static const PartnerFigures* named(const std::vector<PartnerFigures>& all, const std::string& name) {
        for (const auto& f : all)
            if (f.name == name) return &f;
        return nullptr;
    }
};

TEST_F(PartnerFiguresTest, EachSenderAndTheHisHaveTheirQueueOldestRateAndFailures) {
    ASSERT_EQ(send(oru("F1", "PID|1||P1^^^HIS^PI~C1^^^HIS^CARD", "N")).ackCode, "AA");
    ASSERT_EQ(send(oru("F2", "PID|1||P1^^^HIS^PI", "N")).ackCode, "AE");  // failed: waits
    clock_.advanceMs(30'000);
    ASSERT_EQ(send(adt("A04", "A1", "PID|1||P2^^^HIS^PI")).ackCode, "AA");
    his_.script({"5001"});
    accept("q1", "booking.created", created(1, "Q"));
    sender_->runOnce();
    accept("p1", "booking.created", created(2, "P"));
    clock_.advanceMs(10'000);

    const auto all = figures();
    const auto* lis = named(all, "LIS/HOSP01");
    ASSERT_NE(lis, nullptr);
    EXPECT_EQ(lis->protocol, "hl7");
    EXPECT_EQ(lis->queueDepth, 1);
    EXPECT_EQ(lis->failures, 1);
    EXPECT_DOUBLE_EQ(lis->oldestAgeSeconds, 40.0);
    EXPECT_DOUBLE_EQ(lis->messagesPerSecond, 2.0 / 60);  // both within the last minute
    const auto* hisSender = named(all, "HIS/HOSP01");
    ASSERT_NE(hisSender, nullptr);
    EXPECT_EQ(hisSender->queueDepth, 0);
    const auto* his = named(all, "his");
    ASSERT_NE(his, nullptr);
    EXPECT_EQ(his->protocol, "his");
    EXPECT_EQ(his->up, std::optional<bool>(true));
    EXPECT_EQ(his->queueDepth, 2);  // quarantined q1 and pending p1
    EXPECT_DOUBLE_EQ(his->oldestAgeSeconds, 10.0);
    EXPECT_EQ(his->failures, 1);

    clock_.advanceMs(60'000);  // out of the rate window
    EXPECT_DOUBLE_EQ(named(figures(), "LIS/HOSP01")->messagesPerSecond, 0.0);

    Metrics metrics;
    registerPartnerGauges(metrics, *env_);
    const std::string text = metrics.render();
    EXPECT_NE(text.find("medbox_partner_queue_depth{partner=\"his\",protocol=\"his\"} 2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_partner_failures{partner=\"LIS/HOSP01\",protocol=\"hl7\"} 1\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("medbox_his_partner_up{partner=\"his\",protocol=\"his\"} 1\n"), std::string::npos) << text;
}

}  // namespace
