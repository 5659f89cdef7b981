// medbox -> HIS (P201/P202) against a fake HIS: the core's TcpListener with
// the 8-digit framer and a scripted answer per request. Exactly once per
// booking message, in order per patient, retries on 9xxx and on no answer
// with the same requestId, a refusal reversed through booking and told to the
// portal, a quarantined message holding back only its own patient.
#include "core/error/AppError.h"
#include "domain/HisSender.h"
#include "SenderFixture.h"

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;
using namespace std::chrono_literals;

namespace {

class HisSenderTest : public SenderFixture {};

}  // namespace

TEST_F(HisSenderTest, EachBookingMessageIsSentOnceAsP201OrP202) {
    EXPECT_TRUE(accept("m1", "booking.created", created(1, "A")));
    EXPECT_FALSE(accept("m1", "booking.created", created(1, "A")));  // delivered twice by booking's outbox
    EXPECT_TRUE(accept("m2", "booking.cancelled", cancelled(1, "A")));
    drain();
    EXPECT_EQ(his_.log(), (std::vector<std::string>{"P201 m1", "P202 m2"}));
    EXPECT_EQ(state("m1"), "acknowledged");
    EXPECT_EQ(state("m2"), "acknowledged");
}

TEST_F(HisSenderTest, RetriesKeepTheRequestIdAndThePatientsOrder) {
    his_.script({"9001", "hang", "garbage", "0000"});
    accept("a1", "booking.created", created(1, "A"));
    accept("a2", "booking.cancelled", cancelled(1, "A"));
    sender_->runOnce();  // 9001: a1 waits for its backoff, a2 behind it
    EXPECT_EQ(his_.log(), (std::vector<std::string>{"P201 a1"}));
    EXPECT_EQ(one("SELECT last_error FROM his_outgoing WHERE request_id = 'a1'"), "retry: 9001");
    sender_->runOnce();  // not due yet: nothing sent
    EXPECT_EQ(his_.log().size(), 1u);
    drain();
    // a1 four times (9001, no answer in time, not JSON, 0000), then a2 once.
    EXPECT_EQ(his_.log(), (std::vector<std::string>{"P201 a1", "P201 a1", "P201 a1", "P201 a1", "P202 a2"}));
    EXPECT_EQ(one("SELECT attempts FROM his_outgoing WHERE request_id = 'a1'"), "4");
    EXPECT_EQ(state("a2"), "acknowledged");
}

TEST_F(HisSenderTest, ARefusedBookingIsReversedThroughBookingAndThePortalIsTold) {
    his_.script({"2001"});
    accept("r1", "booking.created", created(42, "A"));
    drain();
    EXPECT_EQ(state("r1"), "refused");
    EXPECT_EQ(one("SELECT answer_message FROM his_outgoing WHERE request_id = 'r1'"), "号源已被占用");
    const auto toBooking = json(one("SELECT payload FROM outbox WHERE destination = 'booking'"));
    EXPECT_EQ(one("SELECT topic FROM outbox WHERE destination = 'booking'"), "his.booking_refused");
    EXPECT_EQ(toBooking->getObject("data")->getValue<int64_t>("appointmentId"), 42);
    const auto toPortal = json(one("SELECT payload FROM outbox WHERE destination = 'portal'"));
    EXPECT_EQ(one("SELECT topic FROM outbox WHERE destination = 'portal'"), "booking.his_refused");
    EXPECT_EQ(toPortal->getValue<std::string>("reason"), "号源已被占用");
    EXPECT_EQ(his_.log().size(), 1u);  // a refusal is not sent again
}

TEST_F(HisSenderTest, AQuarantinedMessageHoldsBackOnlyItsOwnPatient) {
    his_.script({"1003"});
    accept("q1", "booking.created", created(1, "A"));
    accept("q2", "booking.cancelled", cancelled(1, "A"));
    accept("b1", "booking.created", created(2, "B"));
    drain();
    EXPECT_EQ(state("q1"), "quarantined");
    EXPECT_EQ(state("q2"), "pending");  // waits for an admin to act on q1
    EXPECT_EQ(state("b1"), "acknowledged");
    EXPECT_EQ(his_.log(), (std::vector<std::string>{"P201 q1", "P201 b1"}));
}

TEST_F(HisSenderTest, WithoutAPartnerNothingIsSentAndNothingDropped) {
    HisbridgeConfig none;
    HisbridgeEnv env(*db_, clock_, *audit_, none);
    acceptBookingMessage(env, "n1", "booking.created", json(created(1, "A")));
    HisSender(env).runOnce();
    EXPECT_TRUE(his_.log().empty());
    EXPECT_EQ(state("n1"), "pending");
    EXPECT_THROW(acceptBookingMessage(env, "n2", "booking.other", json(created(1, "A"))), AppError);
    EXPECT_THROW(acceptBookingMessage(env, "n3", "booking.created", json(R"({"appointmentId":1})")), AppError);
}

TEST_F(HisSenderTest, ThePartnersRetryCodesAreSentAgainAndOthersAreFinal) {
    his_.script({"2005", "0000"});
    accept("c1", "booking.created", created(1, "A"));
    drain();
    EXPECT_EQ(state("c1"), "acknowledged");
    EXPECT_EQ(his_.log(), (std::vector<std::string>{"P201 c1", "P201 c1"}));
    his_.script({"9003", "5001"});  // 5001: neither retry nor refusal: quarantined
    accept("c2", "booking.cancelled", cancelled(1, "A"));
    drain();
    EXPECT_EQ(state("c2"), "quarantined");
    EXPECT_EQ(his_.log().size(), 4u);
}

TEST_F(HisSenderTest, AHisThatDoesNotAnswerCostsOneTimeoutPerRunNotOnePerPatient) {
    his_.script({"hang"});
    accept("h1", "booking.created", created(1, "A"));
    accept("h2", "booking.created", created(2, "B"));
    sender_->runOnce();
    EXPECT_EQ(his_.log(), (std::vector<std::string>{"P201 h1"}));  // B waits for the next run
    EXPECT_EQ(state("h2"), "pending");
    drain();
    EXPECT_EQ(state("h1"), "acknowledged");
    EXPECT_EQ(state("h2"), "acknowledged");
}

TEST(HisSenderBackoffTest, DoublesFromOneSecondToFiveMinutes) {
    EXPECT_EQ(HisSender::backoffMs(1), 1000);
    EXPECT_EQ(HisSender::backoffMs(2), 2000);
    EXPECT_EQ(HisSender::backoffMs(5), 16000);
    EXPECT_EQ(HisSender::backoffMs(20), 300000);
}
