// The quarantine: a failed HL7 message and a quarantined P201/P202 are
// listed with their reason; an admin's correction is read by the same parser
// (bad ones refused, naming what is wrong), resent (applied / sent again) or
// discarded with a reason; every action leaves its audit row.
#include "SenderFixture.h"
#include "core/error/AppError.h"
#include "domain/Quarantine.h"

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;

namespace {

const std::string kNoCard = "PID|1||P12345^^^HIS^PI";  // an ORU needs a visit card or ID number: AE 101 at PID-3
const std::string kWithCard = "PID|1||P12345^^^HIS^PI~C0098^^^HIS^CARD";

class QuarantineTest : public SenderFixture {
protected:
    void SetUp() override {
        SenderFixture::SetUp();
        q_ = std::make_unique<Quarantine>(*env_, *inbox_);
    }
    int64_t audits(const std::string& action) {
        return count("SELECT count(*) FROM audit_log WHERE action = '" + action + "'");
    }
    static Err errOf(const std::function<void()>& fn) {
        try {
            fn();
        } catch (const AppError& e) {
            return e.err();
        }
        return Err::Internal;
    }
    std::unique_ptr<Quarantine> q_;
};

TEST_F(QuarantineTest, AFailedHl7MessageIsCorrectedByAnAdminAndAppliedOnResend) {
    const auto o = send(oru("Q1", kNoCard, "HH"));
    ASSERT_EQ(o.ackCode, "AE");
    const int64_t id = *o.messageId;
    auto items = q_->list("staff:root");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].kind, "hl7");
    EXPECT_EQ(items[0].type, "ORU^R01");
    EXPECT_EQ(items[0].key, "Q1");
    EXPECT_NE(items[0].reason.find("neither a visit card"), std::string::npos) << items[0].reason;
    EXPECT_EQ(items[0].location, "PID-3");
    EXPECT_TRUE(items[0].body.empty());  // lists never carry the body

    const std::string body = q_->get("staff:root", "hl7", id).body;
    EXPECT_NE(body.find(kNoCard), std::string::npos);
    EXPECT_EQ(audits("hisbridge.quarantine_view"), 1);

    // Refused: not HL7, another control id, another sender. Nothing changes.
    EXPECT_EQ(errOf([&] { q_->correct("staff:root", "hl7", id, "hello"); }), Err::InvalidField);
    std::string otherId = body;
    otherId.replace(otherId.find("|Q1|"), 4, "|Q2|");
    try {
        q_->correct("staff:root", "hl7", id, otherId);
        FAIL() << "a changed control id was taken";
    } catch (const AppError& e) {
        EXPECT_EQ(e.field(), "body");
        EXPECT_NE(std::string(e.what()).find("MSH-10"), std::string::npos) << e.what();
    }
    EXPECT_EQ(one("SELECT body FROM hl7_message WHERE id = " + std::to_string(id)), body);
    EXPECT_EQ(audits("hisbridge.quarantine_correct"), 0);

    // Still failing on resend: stays in the quarantine with the reason.
    EXPECT_EQ(q_->resend("staff:root", "hl7", id).state, "failed");
    EXPECT_EQ(q_->list("staff:root").size(), 1u);

    std::string fixed = body;
    fixed.replace(fixed.find(kNoCard), kNoCard.size(), kWithCard);
    q_->correct("staff:root", "hl7", id, fixed);
    EXPECT_EQ(audits("hisbridge.quarantine_correct"), 1);
    EXPECT_EQ(one("SELECT state FROM hl7_message WHERE id = " + std::to_string(id)), "failed");  // not yet applied
    const ResendResult r = q_->resend("staff:root", "hl7", id);
    EXPECT_EQ(r.state, "applied");
    EXPECT_EQ(count("SELECT count(*) FROM result_report WHERE card_number = 'C0098'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE topic = 'result.critical'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'hisbridge.quarantine_resend' AND target = 'hl7:" +
                    std::to_string(id) + "' AND detail LIKE '%applied%'"),
              1);
    EXPECT_TRUE(q_->list("staff:root").empty());
    // Applied: no longer in the quarantine, and the partner's own resend is a duplicate.
    EXPECT_EQ(errOf([&] { q_->resend("staff:root", "hl7", id); }), Err::NotFound);
    EXPECT_TRUE(send(fixed).duplicate);
    EXPECT_EQ(count("SELECT count(*) FROM result_report"), 1);
    EXPECT_TRUE(audit_->verify(*db_).ok);
}

TEST_F(QuarantineTest, ADiscardNeedsAReasonAndKeepsTheRowUntilThePartnerSendsItAgain) {
    const int64_t id = *send(oru("D1", kNoCard, "N")).messageId;
    EXPECT_EQ(errOf([&] { q_->discard("staff:root", "hl7", id, ""); }), Err::InvalidField);
    EXPECT_EQ(errOf([&] { q_->discard("staff:root", "hl7", id, std::string(501, 'x')); }), Err::InvalidField);
    EXPECT_EQ(errOf([&] { q_->discard("staff:root", "xml", id, "why"); }), Err::InvalidField);
    q_->discard("staff:root", "hl7", id, "test message from the LIS vendor");
    EXPECT_TRUE(q_->list("staff:root").empty());
    EXPECT_EQ(one("SELECT state || ' ' || discard_reason FROM hl7_message WHERE id = " + std::to_string(id)),
              "failed test message from the LIS vendor");
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'hisbridge.quarantine_discard' AND detail LIKE "
                    "'%vendor%'"),
              1);
    EXPECT_EQ(errOf([&] { q_->resend("staff:root", "hl7", id); }), Err::NotFound);
    // Sent again by the LIS and failing again: back in the quarantine, not silently gone.
    EXPECT_EQ(send(oru("D1", kNoCard, "N")).ackCode, "AE");
    EXPECT_EQ(q_->list("staff:root").size(), 1u);
}

TEST_F(QuarantineTest, AQuarantinedP201IsCorrectedAndSentAgainAndThePatientsNextMessageFollows) {
    his_.script({"5001"});  // neither success, retry nor refusal
    accept("m1", "booking.created", created(7, "A"));
    accept("m2", "booking.cancelled", cancelled(7, "A"));
    drain(3);
    ASSERT_EQ(state("m1"), "quarantined");
    ASSERT_EQ(state("m2"), "pending");
    auto items = q_->list("staff:root");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].kind, "his");
    EXPECT_EQ(items[0].type, "P201");
    EXPECT_EQ(items[0].key, "m1");
    EXPECT_NE(items[0].reason.find("5001"), std::string::npos);
    const int64_t id = items[0].id;

    EXPECT_EQ(errOf([&] { q_->correct("staff:root", "his", id, "{not json"); }), Err::InvalidField);
    EXPECT_EQ(errOf([&] { q_->correct("staff:root", "his", id, created(8, "A")); }), Err::InvalidField);  // moved
    EXPECT_EQ(errOf([&] { q_->correct("staff:root", "his", id, R"({"appointmentId":7})"); }),
              Err::MissingField);  // no patient
    q_->correct("staff:root", "his", id, created(7, "A2"));
    EXPECT_EQ(one("SELECT patient_key FROM his_outgoing WHERE request_id = 'm1'"), "resident_id:A2");
    EXPECT_EQ(q_->resend("staff:root", "his", id).state, "pending");
    drain(3);
    EXPECT_EQ(state("m1"), "acknowledged");
    EXPECT_EQ(state("m2"), "acknowledged");  // no longer held back
    EXPECT_EQ(his_.log(), (std::vector<std::string>{"P201 m1", "P201 m1", "P202 m2"}));
    EXPECT_EQ(audits("hisbridge.quarantine_correct"), 1);
    EXPECT_EQ(audits("hisbridge.quarantine_resend"), 1);
}

TEST_F(QuarantineTest, DiscardingAQuarantinedP201ReleasesThePatientsNextMessage) {
    his_.script({"5001"});
    accept("d1", "booking.created", created(9, "B"));
    accept("d2", "booking.cancelled", cancelled(9, "B"));
    drain(3);
    const int64_t id = q_->list("staff:root").at(0).id;
    q_->discard("staff:root", "his", id, "booked by phone in the HIS");
    drain(3);
    EXPECT_EQ(state("d1"), "discarded");
    EXPECT_EQ(state("d2"), "acknowledged");
    EXPECT_EQ(errOf([&] { q_->discard("staff:root", "his", id, "again"); }), Err::NotFound);
}

}  // namespace
