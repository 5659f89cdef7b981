// The HIS socket interface's inbox (docs/his-protocol.md): what is stored,
// forwarded to booking and answered for each transaction, once per (sender,
// requestId); and behind the real TcpListener with the 8-digit framer: one
// request per connection, a half frame or a hung peer holds only itself.
#include "InboxFixture.h"
#include "core/net/TcpListener.h"
#include "core/testing/FrameClient.h"
#include "domain/HisMessages.h"
#include "his/Envelope.h"
#include <Poco/JSON/Parser.h>
#include <chrono>

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;
using namespace std::chrono_literals;

namespace {

const std::string kHis = "10.10.2.10:50000";  // the partner "his" (GBK) in HisInboxTest's config

std::string request(const std::string& txn, const std::string& id, const std::string& data) {
    return R"({"version":1,"txn":")" + txn + R"(","requestId":")" + id +
           R"(","sentAt":"2026-12-03T10:15:00+08:00","data":)" + data + "}";
}

const std::string kSchedules =
    R"({"schedules":[{"scheduleCode":"S1","doctorCode":"D001","date":"2026-12-07","session":"morning",)"
    R"("start":"08:00","end":"12:00","slotMinutes":15,"capacity":16,"room":"A101","feeCents":1500}]})";

class HisInboxTest : public InboxFixture {
protected:
    HisbridgeConfig config() override {
        HisbridgeConfig c;
        HisbridgeConfig::HisPartner p;
        p.name = "his";
        p.address = "10.10.2.10";
        p.charset = text::Charset::Gbk;
        c.hisPartners.push_back(p);
        return c;
    }
    HisInbox::Outcome send(const std::string& body, const std::string& peer = "127.0.0.1:40000") {
        return his_->receive(body, peer);
    }
    int64_t rows() { return count("SELECT count(*) FROM his_request"); }
    int64_t toBooking() { return count("SELECT count(*) FROM outbox WHERE destination = 'booking'"); }
};

}  // namespace

TEST_F(HisInboxTest, SchedulesAreStoredForwardedToBookingAndAnsweredAfterTheCommit) {
    const auto o = send(request("T104", "r1", kSchedules));
    EXPECT_EQ(o.answer.code, "0000");
    EXPECT_EQ(o.answer.txn, "T104");
    EXPECT_EQ(o.answer.requestId, "r1");
    ASSERT_TRUE(o.rowId);
    EXPECT_EQ(one("SELECT state FROM his_request"), "forwarded");
    EXPECT_EQ(one("SELECT sender FROM his_request"), "127.0.0.1");  // no partner at that address
    EXPECT_EQ(one("SELECT topic FROM outbox WHERE destination = 'booking'"), "his.schedules");
    const auto payload = Poco::JSON::Parser()
                             .parse(one("SELECT payload FROM outbox WHERE destination = 'booking'"))
                             .extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(payload->getValue<std::string>("requestId"), "r1");
    EXPECT_EQ(payload->getObject("data")->getArray("schedules")->getObject(0)->getValue<std::string>("room"), "A101");
}

TEST_F(HisInboxTest, EachBookingTransactionHasItsTopicAndTheOthersAreKept) {
    struct Case {
        std::string txn, data, topic;
    };
    const Case cases[] = {
        {"T101", R"({"hospitalCode":"H01","name":"市第一人民医院"})", ""},
        {"T102", R"({"departments":[{"code":"NK","name":"内科","nameEn":"Internal medicine"}]})", "his.departments"},
        {"T103", R"({"doctors":[{"code":"D001","departmentCode":"NK","name":"张三","title":"chief"}]})", "his.doctors"},
        {"T104", kSchedules, "his.schedules"},
        {"T105", R"({"scheduleCode":"S1","doctorCode":"D001","date":"2026-12-07","session":"morning","reason":"开会"})",
         "his.stop_clinic"},
        {"T106", R"({"appointmentId":7,"status":"visited","at":"2026-12-07T09:10:00+08:00"})", "his.visit_status"},
        {"T107", R"({"complaintId":"C9","content":"候诊时间太长"})", ""},
    };
    int n = 0;
    for (const Case& c : cases) {
        const auto o = send(request(c.txn, "id-" + c.txn, c.data));
        EXPECT_EQ(o.answer.code, "0000") << c.txn << ": " << o.answer.message;
        EXPECT_EQ(one("SELECT state FROM his_request WHERE txn = '" + c.txn + "'"),
                  c.topic.empty() ? "stored" : "forwarded");
        if (!c.topic.empty()) ++n;
        EXPECT_EQ(toBooking(), n) << c.txn;
    }
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'booking' AND topic = 'his.stop_clinic'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'booking' AND topic = 'his.visit_status'"), 1);
}

TEST_F(HisInboxTest, ARepeatedRequestIdIsAnsweredAgainAndNotAppliedTwice) {
    const auto first = send(request("T104", "r1", kSchedules));
    const auto again = send(request("T104", "r1", kSchedules), "127.0.0.1:40001");
    EXPECT_EQ(again.answer.code, "0000");
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.rowId, first.rowId);
    EXPECT_EQ(rows(), 1);
    EXPECT_EQ(toBooking(), 1);
    // The same id from another sender is another request.
    const auto other = send(request("T104", "r1", kSchedules), "10.0.0.9:40000");
    EXPECT_FALSE(other.duplicate);
    EXPECT_EQ(rows(), 2);
    EXPECT_EQ(toBooking(), 2);
}

TEST_F(HisInboxTest, InvalidDataIsAnswered1003NamingTheFieldAndTriedAgainWhenResent) {
    const std::string bad = R"({"schedules":[{"scheduleCode":"S1","doctorCode":"D001","date":"2026-02-30",)"
                            R"("session":"morning","start":"08:00","end":"12:00","slotMinutes":15,"capacity":16,)"
                            R"("room":"A101","feeCents":1500}]})";
    const auto o = send(request("T104", "r1", bad));
    EXPECT_EQ(o.answer.code, "1003");
    EXPECT_NE(o.answer.message.find("data.schedules[0].date"), std::string::npos) << o.answer.message;
    EXPECT_EQ(one("SELECT state FROM his_request"), "failed");
    EXPECT_EQ(one("SELECT error_field FROM his_request"), "data.schedules[0].date");
    EXPECT_EQ(toBooking(), 0);
    // Corrected and sent again under the same id: applied this time.
    const auto fixed = send(request("T104", "r1", kSchedules));
    EXPECT_EQ(fixed.answer.code, "0000");
    EXPECT_FALSE(fixed.duplicate);
    EXPECT_EQ(one("SELECT state || ' ' || attempts FROM his_request"), "forwarded 2");
    EXPECT_EQ(toBooking(), 1);
}

TEST_F(HisInboxTest, EveryDataCheckNamesItsField) {
    struct Case {
        std::string txn, data, field;
    };
    const Case cases[] = {
        {"T101", R"({"name":"x"})", "data.hospitalCode"},
        {"T102", R"({"departments":[]})", "data.departments"},
        {"T102", R"({"departments":[{"code":"NK"}]})", "data.departments[0].name"},
        {"T102", R"({"departments":[1]})", "data.departments[0]"},
        {"T103", R"({"doctors":[{"code":"D1","departmentCode":"NK","name":"x","title":"boss"}]})",
         "data.doctors[0].title"},
        {"T104",
         R"({"schedules":[{"scheduleCode":"S1","doctorCode":"D001","date":"2026-12-07","session":"morning",)"
         R"("start":"12:00","end":"08:00","slotMinutes":15,"capacity":16,"room":"A101","feeCents":1500}]})",
         "data.schedules[0].end"},
        {"T104",
         R"({"schedules":[{"scheduleCode":"S1","doctorCode":"D001","date":"2026-12-07","session":"night",)"
         R"("start":"08:00","end":"12:00","slotMinutes":15,"capacity":16,"room":"A101","feeCents":1500}]})",
         "data.schedules[0].session"},
        {"T104",
         R"({"schedules":[{"scheduleCode":"S1","doctorCode":"D001","date":"2026-12-07","session":"morning",)"
         R"("start":"08:00","end":"12:00","slotMinutes":15,"capacity":0,"room":"A101","feeCents":1500}]})",
         "data.schedules[0].capacity"},
        {"T105", R"({"scheduleCode":"S1","doctorCode":"D001","date":"2026-12-07","session":"morning"})", "data.reason"},
        {"T106", R"({"appointmentId":0,"status":"visited"})", "data.appointmentId"},
        {"T107", R"({"complaintId":"C1"})", "data.content"},
        {"T108", R"({"patientId":"P1","name":"x","sex":"X"})", "data.sex"},
        {"T102", R"({"departments":[{"code":"NK","name":"x"}],"more":1})", "data.more"},
    };
    int i = 0;
    for (const Case& c : cases) {
        const auto o = send(request(c.txn, "bad-" + std::to_string(i++), c.data));
        EXPECT_EQ(o.answer.code, "1003") << c.txn << " " << c.data;
        EXPECT_EQ(one("SELECT error_field FROM his_request WHERE id = " + std::to_string(o.rowId.value_or(0))), c.field)
            << c.data;
    }
    EXPECT_EQ(toBooking(), 0);
}

TEST_F(HisInboxTest, UnreadableRequestsAreRefusedAndNothingIsStored) {
    EXPECT_EQ(send("not json").answer.code, "1001");
    EXPECT_EQ(send(request("T999", "r1", "{}")).answer.code, "1002");
    // A transaction medbox starts, sent to medbox.
    const auto p = send(request("P201", "r2", "{}"));
    EXPECT_EQ(p.answer.code, "1002");
    EXPECT_EQ(p.answer.requestId, "r2");
    EXPECT_EQ(send(R"({"version":1,"txn":"T104","data":{}})").answer.code, "1003");
    EXPECT_EQ(rows(), 0);
}

TEST_F(HisInboxTest, APartnerIsKnownByItsAddressAndAnsweredInItsCharset) {
    std::string body = request("T103", "g1",
                               R"({"doctors":[{"code":"D001","departmentCode":"NK","name":"张三","title":"chief"}]})");
    const std::string gbk = text::fromUtf8(body, text::Charset::Gbk);
    EXPECT_EQ(send(gbk).answer.code, "1001");  // from an unknown peer the default, UTF-8, applies
    const auto o = send(gbk, kHis);
    EXPECT_EQ(o.answer.code, "0000") << o.answer.message;
    EXPECT_EQ(o.sender, "his");
    EXPECT_EQ(one("SELECT sender || ' ' || charset FROM his_request"), "his GBK");
    EXPECT_NE(one("SELECT payload FROM outbox WHERE destination = 'booking'").find("张三"), std::string::npos);
    EXPECT_EQ(peerIp("[::1]:5000"), "::1");
}

TEST_F(HisInboxTest, ARegistrationIsAppliedAsAnAdtA04OnceAndABadIdNumberIsNamed) {
    const std::string bad = R"({"patientId":"P900","cardNumber":"C900","idNumber":"110105194912310021",)"
                            R"("name":"王五","sex":"M","birthDate":"1949-12-31","phone":"13800138000"})";
    const auto refused = send(request("T108", "reg-1", bad));
    EXPECT_EQ(refused.answer.code, "1003");
    EXPECT_EQ(one("SELECT error_field FROM his_request"), "data.idNumber");
    EXPECT_EQ(count("SELECT count(*) FROM patient"), 0);
    // Corrected (a valid checksum) under the same id: applied through the ADT path.
    const std::string good = R"({"patientId":"P900","cardNumber":"C900","idNumber":")" + kResidentId +
                             R"(","name":"王五","sex":"M","birthDate":"1949-12-31","phone":"13800138000"})";
    const auto o = send(request("T108", "reg-1", good));
    EXPECT_EQ(o.answer.code, "0000") << o.answer.message;
    EXPECT_EQ(one("SELECT state FROM his_request"), "applied");
    EXPECT_EQ(one("SELECT name || ' ' || card_number || ' ' || id_number || ' ' || birth_date || ' ' || phone "
                  "FROM patient WHERE patient_id = 'P900'"),
              "王五 C900 " + kResidentId + " 19491231 13800138000");
    EXPECT_EQ(one("SELECT sender || ' ' || control_id || ' ' || type FROM hl7_message"),
              "127.0.0.1/HIS-SOCKET reg-1 ADT^A04");
    // Again: answered, not applied twice.
    EXPECT_TRUE(send(request("T108", "reg-1", good)).duplicate);
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM patient"), 1);
}

TEST_F(HisInboxTest, StaffSearchTheTrafficAndEverySearchIsAuditedWithoutValues) {
    send(request("T104", "s1", kSchedules));
    send(request("T107", "s2", R"({"complaintId":"C9"})"));  // 1003: content missing
    HisMessageQuery q;
    auto all = searchHisMessages(*env_, "staff:auditor1", q);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].requestId, "s2");  // newest first
    EXPECT_EQ(all[0].state, "failed");
    EXPECT_EQ(all[0].error.value_or(""), "data.content");
    q.state = "forwarded";
    auto forwarded = searchHisMessages(*env_, "staff:auditor1", q);
    ASSERT_EQ(forwarded.size(), 1u);
    EXPECT_EQ(forwarded[0].txn, "T104");
    q = HisMessageQuery{};
    q.direction = "out";
    EXPECT_TRUE(searchHisMessages(*env_, "staff:auditor1", q).empty());
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'hisbridge.his_search'"), 3);
    EXPECT_EQ(count(
                  "SELECT count(*) FROM audit_log WHERE action = 'hisbridge.his_search' AND detail LIKE '%forwarded%'"),
              0);  // filter names, never values
}

namespace {

// The inbox behind a real listener configured as HisbridgeApp configures it.
class HisListenerTest : public HisInboxTest {
protected:
    void SetUp() override {
        HisInboxTest::SetUp();
        net::TcpListenerOptions o = readHisbridgeConfig(Settings()).his;
        o.host = "127.0.0.1";
        o.port = 0;
        o.readTimeoutMs = 300;  // a half frame is given up quickly here
        listener_ = std::make_unique<net::TcpListener>(o, his::framer(),
                                                       [this](std::string_view payload,
                                                              const net::Peer& peer) -> std::optional<std::string> {
                                                           return his_->answer(payload, peer.address);
                                                       });
        listener_->start();
    }
    void TearDown() override { listener_->stop(); }
    std::optional<std::string> answerOf(testutil::FrameClient& c) { return c.frame(*his::framer(), 3000ms); }
    his::Answer decoded(const std::string& body, const std::string& txn, const std::string& id) {
        his::Request sent;
        sent.txn = txn;
        sent.requestId = id;
        return his::decodeAnswer(body, his::Charset::Utf8, sent);
    }
    std::unique_ptr<net::TcpListener> listener_;
};

}  // namespace

TEST_F(HisListenerTest, OneRequestOneAnswerThenTheListenerCloses) {
    testutil::FrameClient c(listener_->port());
    // A second request in the same connection is not read: short connections only.
    c.send(his::frame(request("T104", "r1", kSchedules)) + his::frame(request("T107", "r2", "{}")));
    const auto a = answerOf(c);
    ASSERT_TRUE(a);
    EXPECT_EQ(decoded(*a, "T104", "r1").code, "0000");
    EXPECT_TRUE(c.closedWithin(2000ms));
    EXPECT_EQ(rows(), 1);
}

TEST_F(HisListenerTest, AHalfFrameHoldsOnlyItsOwnConnection) {
    testutil::FrameClient hung(listener_->port());
    hung.send(his::frame(request("T104", "half", kSchedules)).substr(0, 40));
    testutil::FrameClient other(listener_->port());
    other.send(his::frame(request("T104", "r1", kSchedules)));
    const auto a = answerOf(other);
    ASSERT_TRUE(a);
    EXPECT_EQ(decoded(*a, "T104", "r1").code, "0000");
    // The hung one is closed after the read timeout, unanswered, nothing stored for it.
    EXPECT_TRUE(hung.closedWithin(3000ms));
    EXPECT_EQ(rows(), 1);
}

TEST_F(HisListenerTest, ABadLengthHeaderClosesTheConnectionUnanswered) {
    testutil::FrameClient c(listener_->port());
    c.send("0000001x{}");
    EXPECT_FALSE(answerOf(c));
    testutil::FrameClient big(listener_->port());
    big.send("99999999{");
    EXPECT_FALSE(answerOf(big));
    EXPECT_EQ(rows(), 0);
}

TEST_F(HisListenerTest, ARefusalIsAnsweredWithItsCode) {
    testutil::FrameClient c(listener_->port());
    c.send(his::frame(R"({"version":1,"txn":"T104","requestId":"r9","data":"x"})"));
    const auto a = answerOf(c);
    ASSERT_TRUE(a);
    const his::Answer got = decoded(*a, "T104", "r9");
    EXPECT_EQ(got.code, "1003");
    EXPECT_NE(got.message.find("data"), std::string::npos);
}
