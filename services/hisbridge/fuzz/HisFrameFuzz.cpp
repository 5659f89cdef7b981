// libFuzzer target: the HIS socket interface's codec on any bytes, as the
// listener runs it (frame scan, charset, JSON envelope), and the answer
// written back. What must hold (docs/fuzzing.md):
//   - hostile bytes are only ever refused with HisError (a code of the
//     table), never another exception, a crash or a sanitizer report;
//   - a frame never claims more bytes than were given or than the limit;
//   - a decoded request encodes and decodes back to the same envelope and
//     data, and an answer to it decodes as an answer to it, in every charset.
#include "FuzzInput.h"
#include "core/http/JsonText.h"
#include "his/Envelope.h"

using namespace medbox;
using namespace medbox::hisbridge::his;

using medbox::hisbridge::fuzz::charsetOf;
using medbox::hisbridge::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    // The first byte picks the partner's charset, the rest is the stream.
    const Charset cs = charsetOf(data[0]);
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    constexpr size_t kLimit = 1 << 16;
    const net::FrameScan s = framer()->scan(bytes, 0, kLimit);
    // Not framed, the whole input is a body too: the JSON decoder gets every input.
    std::string_view body = bytes;
    if (s.kind == net::FrameScan::Kind::Frame) {
        check(s.frameBytes <= bytes.size() && s.payloadOffset + s.payloadBytes == s.frameBytes, "frame within input");
        check(s.payloadBytes <= kLimit, "frame within limit");
        body = bytes.substr(s.payloadOffset, s.payloadBytes);
    }
    Request r;
    try {
        r = decodeRequest(body, cs);
    } catch (const HisError& e) {
        check(isAnswerCode(e.code()), "a refusal carries an answer code");
        const Answer echo = echoOf(body, cs);
        Answer a = echo;
        a.code = e.code();
        a.message = e.what();
        (void)encodeAnswer(a, cs);
        return 0;
    }
    check(txnKnown(r.txn) && !r.requestId.empty(), "a decoded request has a known txn and an id");
    for (Charset out : {Charset::Utf8, Charset::Gb18030, Charset::Gbk}) {
        const Request back = decodeRequest(encodeRequest(r, out), out);
        check(back.txn == r.txn && back.requestId == r.requestId && back.sentAt == r.sentAt, "envelope round trip");
        check(json::text(back.data) == json::text(r.data), "data round trip");
        Answer a;
        a.txn = r.txn;
        a.requestId = r.requestId;
        a.data = r.data;
        try {
            check(decodeAnswer(encodeAnswer(a, out), out, r).code == code::kOk, "answer round trip");
        } catch (const HisError&) {
            check(false, "our own answer is refused");
        }
    }
    return 0;
}
