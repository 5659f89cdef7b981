// medbox -> HIS (P201/P202) against a fake HIS: the core's TcpListener with
// the 8-digit framer and a scripted answer per request. Exactly once per
// booking message, in order per patient, retries on 9xxx and on no answer
// with the same requestId, a refusal reversed through booking and told to the
// portal, a quarantined message holding back only its own patient.
#include "InboxFixture.h"
#include "core/error/AppError.h"
#include "core/net/TcpListener.h"
#include "domain/HisSender.h"
#include "his/Envelope.h"
#include <Poco/JSON/Parser.h>
#include <deque>
#include <mutex>
#include <thread>

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;
using namespace std::chrono_literals;

namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string created(int64_t appointmentId, const std::string& documentNumber) {
    return R"({"appointmentId":)" + std::to_string(appointmentId) +
           R"(,"scheduleId":1,"date":"2026-12-07","session":"morning","patient":{"name":"张三",)"
           R"("documentType":"resident_id","documentNumber":")" +
           documentNumber + R"(","phone":"13800138000"}})";
}
std::string cancelled(int64_t appointmentId, const std::string& documentNumber) {
    return R"({"appointmentId":)" + std::to_string(appointmentId) +
           R"(,"reason":"patient","documentType":"resident_id","documentNumber":")" + documentNumber + R"("})";
}

// The HIS: answers each request with the next scripted code ("0000" when the
// script is empty); "hang" waits past the client's timeout, "garbage" answers
// a body that is not JSON. Logs (txn, requestId) of every request it read.
class FakeHis {
public:
    FakeHis() {
        net::TcpListenerOptions o;
        o.oneFramePerConnection = true;
        listener_ = std::make_unique<net::TcpListener>(
            o, his::framer(), [this](std::string_view body, const net::Peer&) -> std::optional<std::string> {
                const his::Request r = his::decodeRequest(body, his::Charset::Utf8);
                std::string code = "0000";
                {
                    std::lock_guard l(m_);
                    log_.push_back(r.txn + " " + r.requestId);
                    if (!script_.empty()) {
                        code = script_.front();
                        script_.pop_front();
                    }
                }
                if (code == "hang") std::this_thread::sleep_for(700ms);
                if (code == "garbage") return std::string("not json");
                his::Answer a;
                a.txn = r.txn;
                a.requestId = r.requestId;
                a.code = code == "hang" ? "0000" : code;
                a.message = code == "2001" ? "号源已被占用" : "ok";
                return his::encodeAnswer(a, his::Charset::Utf8);
            });
        listener_->start();
    }
    ~FakeHis() { listener_->stop(); }
    int port() const { return listener_->port(); }
    void script(std::initializer_list<std::string> codes) {
        std::lock_guard l(m_);
        script_.insert(script_.end(), codes.begin(), codes.end());
    }
    std::vector<std::string> log() {
        std::lock_guard l(m_);
        return log_;
    }

private:
    std::mutex m_;
    std::deque<std::string> script_;
    std::vector<std::string> log_;
    std::unique_ptr<net::TcpListener> listener_;
};

class HisSenderTest : public InboxFixture {
protected:
    HisbridgeConfig config() override {
        HisbridgeConfig c;
        HisbridgeConfig::HisPartner p;
        p.name = "his";
        p.address = "127.0.0.1";
        p.port = his_.port();
        p.answerTimeoutMs = 300;
        p.retryCodes = {"9xxx", "2005"};  // 2005: a partner's "locked, try again" business code
        c.hisPartners.push_back(p);
        return c;
    }
    void SetUp() override {
        InboxFixture::SetUp();
        sender_ = std::make_unique<HisSender>(*env_);
    }
    bool accept(const std::string& id, const std::string& topic, const std::string& payload) {
        return acceptBookingMessage(*env_, id, topic, json(payload));
    }
    // Runs the sender until nothing is due, moving the clock past each backoff.
    void drain(int rounds = 12) {
        for (int i = 0; i < rounds; ++i) {
            sender_->runOnce();
            clock_.advanceMs(400'000);
        }
    }
    std::string state(const std::string& requestId) {
        return one("SELECT state FROM his_outgoing WHERE request_id = '" + requestId + "'");
    }

    FakeHis his_;
    std::unique_ptr<HisSender> sender_;
};

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
