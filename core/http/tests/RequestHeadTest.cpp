// The request framing rules of RFC 9112, table-driven. Many rows are the
// classic request-smuggling probes (CL.TE, TE.CL, TE.TE obfuscations, as
// collected by PortSwigger's research and the "smuggler" scanner): each must
// be refused, or framed one way only.
#include "core/http/RequestHead.h"

#include <gtest/gtest.h>

#include <string>

using namespace medbox::http1;
using Body = RequestHead::Body;

namespace {

struct HeadCase {
    const char* name;
    std::string bytes;
    int status;  // 0: accepted
    Body body = Body::None;
    uint64_t length = 0;
};

std::string req(const std::string& fields, const std::string& line = "POST /a HTTP/1.1") {
    return line + "\r\nHost: x\r\n" + fields + "\r\n";
}

const HeadCase kHeads[] = {
    {"plain GET", req(""), 0},
    {"length", req("Content-Length: 5\r\n"), 0, Body::Length, 5},
    {"length zero has no body", req("Content-Length: 0\r\n"), 0, Body::None},
    {"same length twice", req("Content-Length: 5\r\nContent-Length: 5\r\n"), 0, Body::Length, 5},
    {"same length as a list", req("Content-Length: 5, 5\r\n"), 0, Body::Length, 5},
    {"two different lengths", req("Content-Length: 5\r\nContent-Length: 6\r\n"), 400},
    {"two different lengths as a list", req("Content-Length: 5, 6\r\n"), 400},
    {"length with a sign", req("Content-Length: +5\r\n"), 400},
    {"negative length", req("Content-Length: -1\r\n"), 400},
    {"length in hex", req("Content-Length: 0x5\r\n"), 400},
    {"length with a space inside", req("Content-Length: 5 5\r\n"), 400},
    {"empty length", req("Content-Length:\r\n"), 400},
    {"huge length", req("Content-Length: 99999999999999999999\r\n"), 400},
    {"chunked", req("Transfer-Encoding: chunked\r\n"), 0, Body::Chunked},
    {"chunked in capitals after a tab", req("Transfer-Encoding:\tCHUNKED\r\n"), 0, Body::Chunked},
    {"CL.TE", req("Content-Length: 6\r\nTransfer-Encoding: chunked\r\n"), 400},
    {"TE.CL", req("Transfer-Encoding: chunked\r\nContent-Length: 6\r\n"), 400},
    {"TE with a zero CL", req("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"), 400},
    {"TE then identity", req("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n"), 400},
    {"TE identity", req("Transfer-Encoding: identity\r\n"), 400},
    {"TE xchunked", req("Transfer-Encoding: xchunked\r\n"), 400},
    {"TE chunked twice", req("Transfer-Encoding: chunked, chunked\r\n"), 501},
    {"TE gzip then chunked", req("Transfer-Encoding: gzip, chunked\r\n"), 501},
    {"TE empty", req("Transfer-Encoding:\r\n"), 400},
    {"TE with a vertical tab",
     req("Transfer-Encoding: \x0b"
         "chunked\r\n"),
     400},
    {"TE with space before the colon", req("Transfer-Encoding : chunked\r\n"), 400},
    {"TE with a tab before the colon", req("Transfer-Encoding\t: chunked\r\n"), 400},
    {"TE folded onto a second line", req("Transfer-Encoding:\r\n chunked\r\n"), 400},
    {"folding of any field", req("X-A: 1\r\n\t2\r\n"), 400},
    {"underscore is another field", req("Transfer_Encoding: chunked\r\n"), 0, Body::None},
    {"TE in HTTP/1.0", req("Transfer-Encoding: chunked\r\n", "POST /a HTTP/1.0"), 400},
    {"bare LF ends the request line", "GET /a HTTP/1.1\nHost: x\r\n\r\n", 400},
    {"bare LF ends a field", "GET /a HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", 400},
    {"bare LF ends the head", "GET /a HTTP/1.1\r\nHost: x\r\n\n", 400},
    {"bare CR inside a field", "GET /a HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400},
    {"NUL in a value", req(std::string("X: a") + '\0' + "b\r\n"), 400},
    {"DEL in a value", req("X: a\x7f\r\n"), 400},
    {"obs-text in a value", req("X: caf\xc3\xa9\r\n"), 0},
    {"space inside a name", req("X Y: 1\r\n"), 400},
    {"no colon", req("X-Y 1\r\n"), 400},
    {"empty name", req(": 1\r\n"), 400},
    {"empty value", req("X-Empty:\r\n"), 0},
    {"no Host", "GET /a HTTP/1.1\r\n\r\n", 400},
    {"two Hosts", req("Host: y\r\n"), 400},
    {"HTTP/1.0 needs no Host", "GET /a HTTP/1.0\r\n\r\n", 0},
    {"double space in the request line", "GET  /a HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"trailing space in the request line", "GET /a HTTP/1.1 \r\nHost: x\r\n\r\n", 400},
    {"tab in the request line", "GET\t/a HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"no version", "GET /a\r\nHost: x\r\n\r\n", 400},
    {"lower-case version", "GET /a http/1.1\r\nHost: x\r\n\r\n", 400},
    {"HTTP/2.0", "GET /a HTTP/2.0\r\nHost: x\r\n\r\n", 505},
    {"HTTP/1.2", "GET /a HTTP/1.2\r\nHost: x\r\n\r\n", 505},
    {"method with a slash", "GE/T /a HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"target with a byte above ASCII", "GET /\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"target not a path", "GET a HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"asterisk for GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400},
    {"asterisk for OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 0},
    {"empty line before the request", "\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n", 0},
    {"blank request line", "\r\n \r\n", 400},
    {"a value too long", req("X-Long: " + std::string(9000, 'a') + "\r\n"), 431},
    {"a header section too large", req([] {
         std::string f;
         for (int i = 0; i < 30; ++i) f += "X-" + std::to_string(i) + ": " + std::string(600, 'b') + "\r\n";
         return f;
     }()),
     431},
    {"too many fields", req([] {
         std::string f;
         for (int i = 0; i < 101; ++i) f += "X-" + std::to_string(i) + ": 1\r\n";
         return f;
     }()),
     431},
    {"request line too long", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
    {"Expect 100-continue", req("Expect: 100-continue\r\nContent-Length: 1\r\n"), 0, Body::Length, 1},
    {"another expectation", req("Expect: magic\r\n"), 417},
};

class HeadCasesTest : public ::testing::TestWithParam<HeadCase> {};

TEST_P(HeadCasesTest, AreFramedOneWayOrRefused) {
    const HeadCase& c = GetParam();
    HeadResult r = parseHead(c.bytes);
    if (c.status == 0) {
        ASSERT_EQ(r.state, HeadResult::State::Done) << r.refusal.message;
        EXPECT_EQ(r.consumed, c.bytes.size());
        EXPECT_EQ(r.head.body, c.body);
        if (c.body == Body::Length) {
            EXPECT_EQ(r.head.contentLength, c.length);
        }
    } else {
        ASSERT_EQ(r.state, HeadResult::State::Refused);
        EXPECT_EQ(r.refusal.status(), c.status) << r.refusal.message;
        EXPECT_FALSE(r.refusal.message.empty());
    }
}

// A head that arrives in pieces: every proper prefix of an accepted head is
// a valid beginning (NeedMore), never a refusal nor a shorter request.
TEST(RequestHeadTest, EveryPrefixOfAnAcceptedHeadNeedsMore) {
    for (const HeadCase& c : kHeads) {
        if (c.status != 0) continue;
        for (size_t n = 0; n < c.bytes.size(); ++n)
            ASSERT_EQ(parseHead(std::string_view(c.bytes).substr(0, n)).state, HeadResult::State::NeedMore)
                << c.name << ", first " << n << " bytes";
    }
}

INSTANTIATE_TEST_SUITE_P(RequestHead, HeadCasesTest, ::testing::ValuesIn(kHeads), [](const auto& info) {
    std::string n;
    for (const char* p = info.param.name; *p; ++p) n += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
    return n;
});

TEST(RequestHeadTest, KeepsMethodTargetVersionAndFields) {
    HeadResult r = parseHead("PUT /a/b?c=d HTTP/1.1\r\nHost: x\r\nX-Thing:  v w \r\n\r\nNEXT");
    ASSERT_EQ(r.state, HeadResult::State::Done);
    EXPECT_EQ(r.head.method, "PUT");
    EXPECT_EQ(r.head.target, "/a/b?c=d");
    EXPECT_EQ(r.head.minorVersion, 1);
    ASSERT_NE(r.head.find("x-thing"), nullptr);
    EXPECT_EQ(*r.head.find("x-thing"), "v w");
    EXPECT_EQ(r.consumed, std::string("PUT /a/b?c=d HTTP/1.1\r\nHost: x\r\nX-Thing:  v w \r\n\r\n").size());
}

TEST(RequestHeadTest, AbsoluteFormIsReducedToItsPath) {
    EXPECT_EQ(parseHead("GET http://host:1/p/q?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").head.target, "/p/q?x=1");
    EXPECT_EQ(parseHead("GET https://host HTTP/1.1\r\nHost: x\r\n\r\n").head.target, "/");
    EXPECT_EQ(parseHead("GET http://host?x HTTP/1.1\r\nHost: x\r\n\r\n").head.target, "/?x");
}

TEST(RequestHeadTest, KeepAliveFollowsVersionAndConnection) {
    EXPECT_TRUE(parseHead("GET / HTTP/1.1\r\nHost: x\r\n\r\n").head.keepAlive);
    EXPECT_FALSE(parseHead("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").head.keepAlive);
    EXPECT_FALSE(parseHead("GET / HTTP/1.0\r\n\r\n").head.keepAlive);
    EXPECT_TRUE(parseHead("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").head.keepAlive);
}

TEST(RequestHeadTest, ATooLongLineIsRefusedBeforeItEnds) {
    // A client that never sends CRLF must not make the server buffer forever.
    EXPECT_EQ(parseHead("GET /" + std::string(9000, 'a')).refusal.status(), 414);
    EXPECT_EQ(parseHead("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a')).refusal.status(), 431);
}

// ---- chunked bodies ----

struct ChunkCase {
    const char* name;
    std::string bytes;
    int status;  // 0: accepted
    std::string body = {};
};

const ChunkCase kChunks[] = {
    {"one chunk", "5\r\nhello\r\n0\r\n\r\n", 0, "hello"},
    {"two chunks in hex sizes", "A\r\n0123456789\r\n1\r\n!\r\n0\r\n\r\n", 0, "0123456789!"},
    {"extensions", "5;a=b;c=\"q \\\" x\"\r\nhello\r\n0;last\r\n\r\n", 0, "hello"},
    {"extension after whitespace", "5 ; a = b\r\nhello\r\n0\r\n\r\n", 0, "hello"},
    {"trailer fields", "5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-Other: 2\r\n\r\n", 0, "hello"},
    {"empty extension name", "5;=b\r\nhello\r\n0\r\n\r\n", 400},
    {"extension without name", "5;\r\nhello\r\n0\r\n\r\n", 400},
    {"extension with an unclosed quote", "5;a=\"b\r\nhello\r\n0\r\n\r\n", 400},
    {"extension with a control byte", "5;a=\x01\r\nhello\r\n0\r\n\r\n", 400},
    {"size in 0x notation", "0x5\r\nhello\r\n0\r\n\r\n", 400},
    {"negative size", "-5\r\nhello\r\n0\r\n\r\n", 400},
    {"no size", "\r\nhello\r\n0\r\n\r\n", 400},
    {"size too large for the body", "401\r\n", 413},
    {"size beyond 64 bits", "1ffffffffffffffff\r\n", 413},
    {"data longer than its size", "3\r\nhello\r\n0\r\n\r\n", 400},
    {"data shorter than its size", "5\r\nhi\r\n0\r\n\r\n", 400},
    {"bare LF after the size", "5\nhello\r\n0\r\n\r\n", 400},
    {"bare LF after the data", "5\r\nhello\n0\r\n\r\n", 400},
    {"bare LF at the end", "5\r\nhello\r\n0\r\n\n", 400},
    {"malformed trailer", "0\r\nnot a field\r\n\r\n", 400},
    {"folded trailer", "0\r\nX: a\r\n b\r\n\r\n", 400},
    {"two chunks beyond the body limit", "200\r\n" + std::string(512, 'a') + "\r\n201\r\n", 413},
    {"chunk line too long", "5;" + std::string(2000, 'a') + "\r\n", 400},
};

class ChunkCasesTest : public ::testing::TestWithParam<ChunkCase> {};

ChunkedDecoder::State decode(const std::string& bytes, size_t piece, std::string* body, size_t* used, Refusal* why) {
    ChunkedDecoder d(1024);
    *used = 0;
    auto state = ChunkedDecoder::State::NeedMore;
    while (*used < bytes.size() && state == ChunkedDecoder::State::NeedMore) {
        size_t n = 0;
        state = d.feed(std::string_view(bytes).substr(*used, piece), *body, &n);
        *used += n;
    }
    *why = d.refusal();
    return state;
}

TEST_P(ChunkCasesTest, AreDecodedOrRefusedWhateverTheirPieces) {
    const ChunkCase& c = GetParam();
    const std::string next = "GET /next HTTP/1.1\r\n";
    for (size_t piece : {c.bytes.size() + next.size(), size_t{1}, size_t{2}, size_t{7}}) {
        std::string body;
        size_t used = 0;
        Refusal why;
        auto state = decode(c.bytes + next, piece, &body, &used, &why);
        if (c.status == 0) {
            ASSERT_EQ(state, ChunkedDecoder::State::Done) << "pieces of " << piece << ": " << why.message;
            EXPECT_EQ(body, c.body);
            EXPECT_EQ(used, c.bytes.size()) << "the next request starts right after the body";
        } else {
            ASSERT_EQ(state, ChunkedDecoder::State::Refused) << "pieces of " << piece;
            EXPECT_EQ(why.status(), c.status) << why.message;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(ChunkedDecoder, ChunkCasesTest, ::testing::ValuesIn(kChunks), [](const auto& info) {
    std::string n;
    for (const char* p = info.param.name; *p; ++p) n += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
    return n;
});

}  // namespace
