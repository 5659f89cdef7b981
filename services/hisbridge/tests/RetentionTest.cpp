// Retention: what was applied or acknowledged and is older than the setting
// goes (a message a patient or result still points at keeps its row, not its
// body); failed, quarantined and conflicting messages stay whatever their age.
#include "SenderFixture.h"
#include "domain/Retention.h"

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;

namespace {

class RetentionTest : public SenderFixture {
protected:
    HisbridgeConfig config() override {
        HisbridgeConfig c = SenderFixture::config();
        c.retentionMs = 10LL * 86'400'000;
        return c;
    }
};

TEST_F(RetentionTest, OldAppliedMessagesGoAndFailedOrQuarantinedOnesStay) {
    const std::string pid = "PID|1||P1^^^HIS^PI~C1^^^HIS^CARD";
    ASSERT_EQ(send(adt("A04", "A1", pid)).ackCode, "AA");                 // superseded by A2: deletable
    ASSERT_EQ(send(adt("A08", "A2", pid)).ackCode, "AA");                 // the patient points at it: body emptied
    ASSERT_EQ(send(oru("O1", pid, "N")).ackCode, "AA");                   // its result points at it: body emptied
    ASSERT_EQ(send(oru("F1", "PID|1||P1^^^HIS^PI", "N")).ackCode, "AE");  // failed: stays
    his_.script({"5001"});
    accept("q1", "booking.created", created(1, "Q"));
    accept("k1", "booking.created", created(2, "K"));
    drain(2);
    ASSERT_EQ(state("q1"), "quarantined");
    ASSERT_EQ(state("k1"), "acknowledged");

    clock_.advanceMs(5LL * 86'400'000);
    ASSERT_EQ(send(adt("A08", "A3", "PID|1||P2^^^HIS^PI")).ackCode, "AA");  // young: stays whole
    RetentionResult r = runRetention(*env_);
    EXPECT_EQ(r.hl7Deleted + r.hl7Emptied + r.hisOutgoingDeleted, 0);  // nothing old enough yet

    clock_.advanceMs(6LL * 86'400'000);
    r = runRetention(*env_);
    EXPECT_EQ(r.hl7Deleted, 1);
    EXPECT_EQ(r.hl7Emptied, 2);
    EXPECT_EQ(r.hisOutgoingDeleted, 1);
    EXPECT_EQ(one("SELECT group_concat(control_id) FROM (SELECT control_id FROM hl7_message ORDER BY control_id)"),
              "A2,A3,F1,O1");
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message WHERE body = ''"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message WHERE control_id IN ('F1', 'A3') AND body <> ''"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM result_report"), 1);
    EXPECT_EQ(state("q1"), "quarantined");
    EXPECT_EQ(state("k1"), "<no row>");
    EXPECT_EQ(runRetention(*env_).hl7Emptied, 0);  // emptied once
}

}  // namespace
