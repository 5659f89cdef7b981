// The HIS socket interface's codec (docs/his-protocol.md): frames, charsets,
// the JSON envelope, and the answer code of every refusal.
#include "his/Envelope.h"
#include <gtest/gtest.h>

using namespace medbox::hisbridge;
using namespace medbox::hisbridge::his;
using medbox::net::FrameScan;

namespace {

// 张三 in GBK (and GB18030).
const std::string kZhangSanGbk = "\xD5\xC5\xC8\xFD";

std::string refusal(const std::string& body, Charset cs = Charset::Utf8, std::string* field = nullptr) {
    try {
        decodeRequest(body, cs);
    } catch (const HisError& e) {
        if (field) *field = e.field();
        return e.code();
    }
    return "accepted";
}

FrameScan scan(const std::string& bytes, size_t limit = 1024) { return framer()->scan(bytes, 0, limit); }

}  // namespace

TEST(HisEnvelopeTest, FramesAreEightDigitsThenTheBody) {
    EXPECT_EQ(frame("{}"), "00000002{}");
    const FrameScan s = scan(frame("{\"a\":1}") + "next");
    ASSERT_EQ(s.kind, FrameScan::Kind::Frame);
    EXPECT_EQ(s.payloadOffset, 8u);
    EXPECT_EQ(s.payloadBytes, 7u);
    EXPECT_EQ(s.frameBytes, 15u);
}

TEST(HisEnvelopeTest, LengthIsCountedInEncodedBytes) {
    // Two characters, four bytes in GBK, six in UTF-8.
    EXPECT_EQ(frame(kZhangSanGbk).substr(0, 8), "00000004");
    EXPECT_EQ(frame("张三").substr(0, 8), "00000006");
}

TEST(HisEnvelopeTest, BadLengthHeaderIsRefusedBeforeTheBody) {
    EXPECT_EQ(scan("0000001x{}").kind, FrameScan::Kind::Error);
    EXPECT_EQ(scan(" 0000002{}").kind, FrameScan::Kind::Error);
    EXPECT_EQ(scan("-0000002{}").kind, FrameScan::Kind::Error);
}

TEST(HisEnvelopeTest, LengthOverTheLimitIsRefusedBeforeTheBody) {
    EXPECT_EQ(scan("00001025", 1024).kind, FrameScan::Kind::Error);
    EXPECT_EQ(scan("99999999", 1024).kind, FrameScan::Kind::Error);
    EXPECT_EQ(scan("00001024", 1024).kind, FrameScan::Kind::NeedMore);
}

TEST(HisEnvelopeTest, HalfAFrameNeedsMore) {
    const std::string whole = frame("{\"version\":1}");
    for (size_t n = 0; n < whole.size(); ++n)
        EXPECT_EQ(scan(whole.substr(0, n)).kind, FrameScan::Kind::NeedMore) << n << " bytes";
    EXPECT_EQ(scan(whole).kind, FrameScan::Kind::Frame);
}

TEST(HisEnvelopeTest, AValidRequestIsDecoded) {
    const Request r = decodeRequest(
        R"({"version":1,"txn":"T104","requestId":"HIS-20261203-0001","sentAt":"2026-12-03T10:15:00+08:00",)"
        R"("data":{"schedules":[]}})",
        Charset::Utf8);
    EXPECT_EQ(r.txn, "T104");
    EXPECT_EQ(r.requestId, "HIS-20261203-0001");
    EXPECT_EQ(r.sentAt, "2026-12-03T10:15:00+08:00");
    EXPECT_TRUE(r.data->has("schedules"));
}

TEST(HisEnvelopeTest, GbkAndGb18030BodiesAreConverted) {
    const std::string body = R"({"version":1,"txn":"T102","requestId":"r1","data":{"name":")" + kZhangSanGbk + "\"}}";
    for (Charset cs : {Charset::Gbk, Charset::Gb18030}) {
        const Request r = decodeRequest(body, cs);
        EXPECT_EQ(r.data->getValue<std::string>("name"), "张三");
    }
    // The same bytes read as UTF-8 are not valid: refused, not guessed.
    EXPECT_EQ(refusal(body, Charset::Utf8), code::kMalformed);
}

TEST(HisEnvelopeTest, BadCharsetBytesAreMalformed) {
    const std::string head = R"({"version":1,"txn":"T102","requestId":"r1","data":{"name":")";
    EXPECT_EQ(refusal(head + "\xC0\xAF\"}}", Charset::Utf8), code::kMalformed);      // overlong '/'
    EXPECT_EQ(refusal(head + "\xED\xA0\x80\"}}", Charset::Utf8), code::kMalformed);  // a surrogate
    EXPECT_EQ(refusal(head + "\xFF\xFF\"}}", Charset::Gbk), code::kMalformed);
    EXPECT_EQ(refusal(head + "\xD5\"}}", Charset::Gb18030), code::kMalformed);  // a lead byte alone
}

TEST(HisEnvelopeTest, BadJsonIsMalformed) {
    for (const std::string body : {"", "{", "[]", "\"text\"", "{\"version\":1,}", "{} {}", "nul"})
        EXPECT_EQ(refusal(body), code::kMalformed) << body;
}

TEST(HisEnvelopeTest, UnknownTxnOrVersionIsRefused) {
    EXPECT_EQ(refusal(R"({"version":1,"txn":"T999","requestId":"r1","data":{}})"), code::kUnknown);
    EXPECT_EQ(refusal(R"({"version":1,"txn":"t102","requestId":"r1","data":{}})"), code::kUnknown);
    EXPECT_EQ(refusal(R"({"version":2,"txn":"T102","requestId":"r1","data":{}})"), code::kUnknown);
}

TEST(HisEnvelopeTest, MissingOrInvalidFieldsNameTheField) {
    struct Case {
        std::string body, field;
    };
    const Case cases[] = {
        {R"({"version":1,"txn":"T102","data":{}})", "requestId"},
        {R"({"version":1,"txn":"T102","requestId":"","data":{}})", "requestId"},
        {R"({"version":1,"txn":"T102","requestId":"a b","data":{}})", "requestId"},
        {R"({"version":1,"txn":"T102","requestId":")" + std::string(65, 'x') + R"(","data":{}})", "requestId"},
        {R"({"version":1,"txn":"T102","requestId":7,"data":{}})", "requestId"},
        {R"({"txn":"T102","requestId":"r1","data":{}})", "version"},
        {R"({"version":"1","txn":"T102","requestId":"r1","data":{}})", "version"},
        {R"({"version":1,"requestId":"r1","data":{}})", "txn"},
        {R"({"version":1,"txn":"T102","requestId":"r1"})", "data"},
        {R"({"version":1,"txn":"T102","requestId":"r1","data":[]})", "data"},
        {R"({"version":1,"txn":"T102","requestId":"r1","data":{},"extra":1})", "extra"},
    };
    for (const Case& c : cases) {
        std::string field;
        EXPECT_EQ(refusal(c.body, Charset::Utf8, &field), code::kInvalid) << c.body;
        EXPECT_EQ(field, c.field) << c.body;
    }
}

TEST(HisEnvelopeTest, ARefusalEchoesWhatIsReadable) {
    const Answer a = echoOf(R"({"version":9,"txn":"T104","requestId":"r-7"})", Charset::Utf8);
    EXPECT_EQ(a.txn, "T104");
    EXPECT_EQ(a.requestId, "r-7");
    EXPECT_EQ(echoOf("{nonsense", Charset::Utf8).requestId, "");
    EXPECT_EQ(echoOf(R"({"txn":"X","requestId":"a b"})", Charset::Utf8).txn, "");
}

TEST(HisEnvelopeTest, AnswersRoundTripInEveryCharset) {
    Request sent;
    sent.txn = "P201";
    sent.requestId = "0190-abc";
    sent.data->set("patientName", "张三");
    for (Charset cs : {Charset::Utf8, Charset::Gbk, Charset::Gb18030}) {
        const Request back = decodeRequest(encodeRequest(sent, cs), cs);
        EXPECT_EQ(back.data->getValue<std::string>("patientName"), "张三");
        Answer a;
        a.txn = sent.txn;
        a.requestId = sent.requestId;
        a.code = "2001";
        a.message = "号源已被占用";
        const Answer got = decodeAnswer(encodeAnswer(a, cs), cs, sent);
        EXPECT_EQ(got.code, "2001");
        EXPECT_EQ(got.message, "号源已被占用");
    }
}

TEST(HisEnvelopeTest, ACharacterGbkCannotHoldIsEscapedNotDropped) {
    Answer a;
    a.txn = "T102";
    a.requestId = "r1";
    a.message = "𠀀 ok";  // outside GBK, inside GB18030
    const std::string gbk = encodeAnswer(a, Charset::Gbk);
    EXPECT_NE(gbk.find("\\ud840\\udc00"), std::string::npos) << gbk;
    Request sent;
    sent.txn = "T102";
    sent.requestId = "r1";
    EXPECT_EQ(decodeAnswer(gbk, Charset::Gbk, sent).message, "𠀀 ok");
}

TEST(HisEnvelopeTest, MalformedAnswersAreRefused) {
    Request sent;
    sent.txn = "P201";
    sent.requestId = "r1";
    for (const std::string body : {"", "{", R"({"version":1,"txn":"P201","requestId":"r1"})",
                                   R"({"version":1,"txn":"P201","requestId":"r1","code":"OK"})",
                                   R"({"version":1,"txn":"P201","requestId":"r2","code":"0000"})",
                                   R"({"version":1,"txn":"P202","requestId":"r1","code":"0000"})",
                                   R"({"version":2,"txn":"P201","requestId":"r1","code":"0000"})"}) {
        try {
            decodeAnswer(body, Charset::Utf8, sent);
            ADD_FAILURE() << "accepted: " << body;
        } catch (const HisError& e) {
            EXPECT_EQ(e.code(), code::kMalformed) << body;
        }
    }
    EXPECT_EQ(decodeAnswer(R"({"version":1,"txn":"P201","requestId":"r1","code":"0000"})", Charset::Utf8, sent).code,
              "0000");
}
