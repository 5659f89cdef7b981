// The inbox of HL7 messages (domain/Hl7Inbox) on a real database: what is
// stored, applied, queued to the outbox, and answered, for good messages,
// duplicates, content that cannot be applied (AE, kept as failed) and
// messages that cannot be read (AR, nothing kept).
#include "InboxFixture.h"
#include "hl7/Charset.h"
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;

namespace {

const std::string kPid = "PID|1||P12345^^^HIS^PI~C0098^^^HIS^CARD~" + kResidentId +
                         "^^^CHN^NNCHN||Zhang^San||19491231|M|||||^PRN^PH^^^^^^^^^13812345678";

class Hl7InboxTest : public InboxFixture {};

}  // namespace

TEST_F(Hl7InboxTest, AdtA04RegistersThePatientAndAcksAA) {
    const auto o = send(adt("A04", "CTL1", kPid));
    EXPECT_EQ(o.ackCode, "AA");
    ASSERT_TRUE(o.messageId);
    const hl7::Message ack = ackOf(o);
    EXPECT_EQ(ack.text("MSA", 1), "AA");
    EXPECT_EQ(ack.text("MSA", 2), "CTL1");
    EXPECT_EQ(ack.text("MSH", 9, 1, 1), "ACK");
    EXPECT_EQ(ack.text("MSH", 9, 1, 2), "A04");
    EXPECT_EQ(ack.text("MSH", 5), "HIS");  // sender and receiver swapped
    EXPECT_FALSE(ack.find("ERR"));
    EXPECT_EQ(one("SELECT state FROM hl7_message"), "applied");
    EXPECT_EQ(one("SELECT patient_id FROM hl7_message"), "P12345");
    EXPECT_EQ(one("SELECT name || '|' || card_number || '|' || id_number || '|' || sex || '|' || birth_date || '|' || "
                  "phone FROM patient WHERE patient_id = 'P12345'"),
              "ZhangSan|C0098|" + kResidentId + "|M|19491231|13812345678");
}

TEST_F(Hl7InboxTest, TheSameControlIdFromTheSameSenderIsStoredOnceAndAckedAgain) {
    const auto first = send(adt("A04", "CTL1", kPid));
    clock_.advanceMs(1000);
    // A different body under the same control id: still the same message to us.
    const auto again = send(adt("A04", "CTL1", "PID|1||P12345^^^HIS^PI||Li^Si"));
    EXPECT_EQ(again.ackCode, "AA");
    EXPECT_TRUE(again.duplicate);
    EXPECT_EQ(again.messageId, first.messageId);
    EXPECT_EQ(ackOf(again).text("MSA", 2), "CTL1");
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message"), 1);
    EXPECT_EQ(one("SELECT name FROM patient"), "ZhangSan");  // not applied twice
    // Another sender may use the same control id.
    EXPECT_FALSE(send(msh("ADT^A08", "CTL1", "OTHERHIS") + kPid + "\r").duplicate);
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message"), 2);
}

TEST_F(Hl7InboxTest, AdtA08KeepsEmptyFieldsAndClearsNullOnes) {
    send(adt("A04", "CTL1", kPid));
    // PID-5 empty (keep the name), PID-8 "" (clear the sex), PID-7 a new birth date.
    const auto o = send(adt("A08", "CTL2", "PID|1||P12345^^^HIS^PI||||19491230|\"\""));
    EXPECT_EQ(o.ackCode, "AA");
    EXPECT_EQ(one("SELECT name FROM patient"), "ZhangSan");
    EXPECT_EQ(one("SELECT sex FROM patient"), "<null>");
    EXPECT_EQ(one("SELECT birth_date FROM patient"), "19491230");
    EXPECT_EQ(one("SELECT card_number FROM patient"), "C0098");
    EXPECT_EQ(one("SELECT message_id FROM patient"), std::to_string(*o.messageId));
}

TEST_F(Hl7InboxTest, OruKeepsResultsAndQueuesThemToPortalAndCriticalOnesToAlerting) {
    const auto o = send(oru("R1", kPid, "HH"));
    EXPECT_EQ(o.ackCode, "AA") << o.ack;
    EXPECT_EQ(count("SELECT count(*) FROM result_report WHERE critical = 1 AND report_id = 'FL200'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM observation"), 2);
    EXPECT_EQ(one("SELECT flags FROM observation WHERE code = 'K'"), "HH");
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'portal' AND topic = 'result.available'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'alerting' AND topic = 'result.critical'"), 1);
    Poco::JSON::Parser parser;
    const auto alert = parser.parse(one("SELECT payload FROM outbox WHERE destination = 'alerting'"))
                           .extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(alert->getValue<std::string>("reportId"), "FL200");
    EXPECT_EQ(alert->getObject("patient")->getValue<std::string>("cardNumber"), "C0098");
    EXPECT_EQ(alert->getObject("patient")->getValue<std::string>("documentNumber"), kResidentId);
    const auto obs = alert->getArray("observations");
    ASSERT_EQ(obs->size(), 1u);  // only the critical one
    EXPECT_EQ(obs->getObject(0)->getValue<std::string>("code"), "K");
    EXPECT_EQ(obs->getObject(0)->getArray("flags")->getElement<std::string>(0), "HH");
    const auto portal =
        parser.parse(one("SELECT payload FROM outbox WHERE destination = 'portal'")).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(portal->getArray("observations")->size(), 2u);
}

TEST_F(Hl7InboxTest, EachCriticalFlagAlertsAndOthersDoNot) {
    int n = 0;
    for (const std::string flags : {"HH", "LL", "AA", "H~AA"}) {
        send(oru("C" + std::to_string(++n), kPid, flags));
        EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'alerting'"), n) << flags;
    }
    for (const std::string flags : {"H", "L", "A", "N", ""}) send(oru("N" + flags, kPid, flags));
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'alerting'"), n);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'portal'"), n + 5);
}

TEST_F(Hl7InboxTest, ContentThatCannotBeAppliedIsNakedAEAndKeptAsFailed) {
    // ORU whose PID has neither a visit card nor an ID number.
    const auto o = send(oru("R9", "PID|1||P12345^^^HIS^PI", "HH"));
    EXPECT_EQ(o.ackCode, "AE");
    const hl7::Message ack = ackOf(o);
    EXPECT_EQ(ack.text("MSA", 1), "AE");
    EXPECT_EQ(ack.text("MSA", 2), "R9");
    ASSERT_TRUE(ack.find("ERR"));
    EXPECT_EQ(ack.text("ERR", 2, 1, 1), "PID");
    EXPECT_EQ(ack.text("ERR", 2, 1, 3), "3");
    EXPECT_EQ(ack.text("ERR", 3, 1, 1), "101");
    EXPECT_EQ(ack.text("ERR", 3, 1, 3), "HL70357");
    EXPECT_EQ(ack.text("ERR", 4), "E");
    EXPECT_EQ(ack.text("ERR", 5, 1, 1), "missing_field");
    EXPECT_NE(ack.text("ERR", 8).find("visit card"), std::string::npos);
    EXPECT_EQ(one("SELECT state || ' ' || error_code || ' ' || error_location FROM hl7_message"),
              "failed missing_field PID-3");
    EXPECT_EQ(count("SELECT count(*) FROM result_report"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
    // Corrected and sent again under the same control id: applied this time.
    const auto fixed = send(oru("R9", kPid, "HH"));
    EXPECT_EQ(fixed.ackCode, "AA");
    EXPECT_EQ(fixed.messageId, o.messageId);
    EXPECT_EQ(one("SELECT state || ' ' || attempts FROM hl7_message"), "applied 2");
    EXPECT_EQ(one("SELECT coalesce(error_code, 'none') FROM hl7_message"), "none");
    EXPECT_EQ(count("SELECT count(*) FROM outbox"), 2);
}

TEST_F(Hl7InboxTest, WhatApplyingDidBeforeItFailedIsRolledBack) {
    // The first OBR is fine, the second's OBX names nothing: no report of the message is kept.
    const std::string msg = oru("R5", kPid, "N") + "OBR|2||FL201|GLU|||20261203\rOBX|1|NM|||5.1\r";
    const auto o = send(msg);
    EXPECT_EQ(o.ackCode, "AE");
    EXPECT_EQ(ackOf(o).text("ERR", 2, 1, 1), "OBX");
    EXPECT_EQ(count("SELECT count(*) FROM result_report"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM observation"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
    EXPECT_EQ(one("SELECT state FROM hl7_message"), "failed");
}

TEST_F(Hl7InboxTest, AnInvalidResidentIdIsADataTypeError) {
    const auto o = send(adt("A04", "CTL1", "PID|1||P1^^^HIS^PI~110105194912310021^^^CHN^NNCHN"));
    EXPECT_EQ(o.ackCode, "AE");
    EXPECT_EQ(ackOf(o).text("ERR", 3, 1, 1), "102");
    EXPECT_EQ(count("SELECT count(*) FROM patient"), 0);
}

struct RejectCase {
    const char* name;
    std::string bytes;
    std::string hl7Code;
    std::string appCode;
};

class Hl7InboxRejectTest : public InboxFixture, public ::testing::WithParamInterface<RejectCase> {};

TEST_P(Hl7InboxRejectTest, IsNakedARWithAnErrSegmentAndNothingIsStored) {
    const auto o = send(GetParam().bytes);
    EXPECT_EQ(o.ackCode, "AR");
    EXPECT_FALSE(o.messageId);
    const hl7::Message ack = ackOf(o);  // the NAK itself is a valid message
    EXPECT_EQ(ack.text("MSA", 1), "AR");
    ASSERT_TRUE(ack.find("ERR"));
    EXPECT_EQ(ack.text("ERR", 3, 1, 1), GetParam().hl7Code);
    EXPECT_EQ(ack.text("ERR", 5, 1, 1), GetParam().appCode);
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message"), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Unreadable, Hl7InboxRejectTest,
    ::testing::Values(RejectCase{"Garbage", "this is not HL7", "102", "bad_request"},
                      RejectCase{"BadDelimiters", "MSH|^^\\&|HIS\r", "102", "bad_request"},
                      RejectCase{"NoControlId", msh("ADT^A04", "") + kPid + "\r", "101", "bad_request"},
                      RejectCase{"NoSender", "MSH|^~\\&|||MB|H|t||ADT^A04|C1|P|2.5.1\r", "102", "bad_request"},
                      RejectCase{"NotVersion2", "MSH|^~\\&|HIS|H|MB|H|t||ADT^A04|C1|P|3.0\r", "203", "bad_request"},
                      RejectCase{"UnsupportedType", msh("MDM^T02", "C1") + kPid + "\r", "200", "method_not_allowed"},
                      RejectCase{"UnsupportedEvent", msh("ADT^A01", "C1") + kPid + "\r", "201", "method_not_allowed"},
                      RejectCase{"UnknownCharset", msh("ADT^A04", "C1", "HIS", "EBCDIC") + kPid + "\r", "102",
                                 "bad_request"},
                      RejectCase{"NotUtf8", msh("ADT^A04", "C1") + "PID|1||P1||\xD5\xC5\r", "102", "bad_request"},
                      RejectCase{"SegmentNameBroken", msh("ADT^A04", "C1") + "pid|1\r", "100", "bad_request"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(Hl7InboxTest, AnUnreadableMessageStillGetsItsControlIdEchoedWhenTheHeaderParsed) {
    const auto o = send(msh("ADT^A01", "C77") + kPid + "\r");
    EXPECT_EQ(ackOf(o).text("MSA", 2), "C77");
    const hl7::Message nak = ackOf(send("garbage"));
    EXPECT_EQ(nak.text("MSA", 2), "");
    EXPECT_EQ(nak.text("MSH", 3), "MEDBOX");  // nobody to echo: we name ourselves
}

TEST_F(Hl7InboxTest, SiuIsKeptAsReceived) {
    const auto o = send(msh("SIU^S12^SIU_S12", "S1") + "SCH|APT1|F1||||||||30|min\r" + kPid + "\r");
    EXPECT_EQ(o.ackCode, "AA") << o.ack;
    EXPECT_EQ(one("SELECT state || ' ' || type FROM hl7_message"), "received SIU^S12");
    EXPECT_EQ(send(msh("SIU^S15", "S2") + kPid + "\r").ackCode, "AE");  // no SCH
}

TEST_F(Hl7InboxTest, Gb18030MessagesAreStoredInUtf8AndAnsweredInGb18030) {
    const std::string name = hl7::fromUtf8("张三", hl7::Charset::Gb18030);
    const std::string bytes = msh("ADT^A04", "G1", "HIS", "GB 18030-2000") + "PID|1||P9^^^HIS^PI||" + name + "\r";
    const auto o = send(bytes);
    EXPECT_EQ(o.ackCode, "AA") << o.ack;
    EXPECT_EQ(o.charset, hl7::Charset::Gb18030);
    EXPECT_EQ(one("SELECT name FROM patient"), "张三");
    EXPECT_EQ(one("SELECT charset FROM hl7_message"), "GB 18030-2000");
    EXPECT_NE(one("SELECT body FROM hl7_message").find("张三"), std::string::npos);
    EXPECT_EQ(ackOf(o).text("MSH", 18), "GB 18030-2000");
}

class Hl7InboxPartnerCharsetTest : public InboxFixture {
protected:
    HisbridgeConfig config() override {
        HisbridgeConfig c;
        c.charsetByApplication["OLDHIS"] = hl7::Charset::Gbk;
        return c;
    }
};

TEST_F(Hl7InboxPartnerCharsetTest, APartnersCharsetAppliesWithoutMsh18) {
    const std::string name = hl7::fromUtf8("李四", hl7::Charset::Gbk);
    const auto o = send(msh("ADT^A04", "K1", "OLDHIS") + "PID|1||P7^^^HIS^PI||" + name + "\r");
    EXPECT_EQ(o.ackCode, "AA") << o.ack;
    EXPECT_EQ(one("SELECT name FROM patient"), "李四");
    // Another sender's GBK bytes without MSH-18 are not UTF-8: refused, not stored as mojibake.
    EXPECT_EQ(send(msh("ADT^A04", "K2", "HIS") + "PID|1||P8^^^HIS^PI||" + name + "\r").ackCode, "AR");
}

class Hl7InboxMetricsTest : public InboxFixture {
protected:
    void SetUp() override {
        InboxFixture::SetUp();
        inbox_ = std::make_unique<Hl7Inbox>(*env_, &metrics_);
    }
    Metrics metrics_;
};

TEST_F(Hl7InboxMetricsTest, AnswersAreCountedByAckCode) {
    send(adt("A04", "M1", kPid));
    send(adt("A04", "M1", kPid));                // duplicate: AA again
    send(oru("M2", "PID|1||P1^^^HIS^PI", "N"));  // AE
    send("garbage");                             // AR
    const std::string text = metrics_.render();
    EXPECT_NE(text.find("medbox_hl7_messages_total{ack=\"AA\"} 2"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_hl7_messages_total{ack=\"AE\"} 1"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_hl7_messages_total{ack=\"AR\"} 1"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_hl7_duplicates_total 1"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_hl7_ack_seconds_count 4"), std::string::npos) << text;
}
