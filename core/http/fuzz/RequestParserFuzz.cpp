// libFuzzer target for the request framing (http/RequestHead). Beyond "no
// crash, no sanitizer report" it checks the properties the server relies on:
// - a head is Done only within the bytes given, and parsing those bytes
//   again gives the same framing;
// - any proper prefix of an accepted head is NeedMore (never a refusal, never
//   a different, shorter request);
// - a chunked body decodes the same whether it arrives whole or byte by
//   byte, never consumes more than it was given, never exceeds its limit.
#include "core/http/RequestHead.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace medbox::http1;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void decodeChunked(std::string_view rest) {
    constexpr size_t kMax = 4096;
    ChunkedDecoder whole(kMax);
    std::string a;
    size_t usedWhole = 0;
    auto sa = whole.feed(rest, a, &usedWhole);
    check(usedWhole <= rest.size());
    check(a.size() <= kMax);

    ChunkedDecoder bytewise(kMax);
    std::string b;
    size_t usedBytes = 0;
    auto sb = ChunkedDecoder::State::NeedMore;
    while (usedBytes < rest.size() && sb == ChunkedDecoder::State::NeedMore) {
        size_t n = 0;
        sb = bytewise.feed(rest.substr(usedBytes, 1), b, &n);
        usedBytes += n;
    }
    check(sa == sb);
    if (sa != ChunkedDecoder::State::Refused) {
        check(a == b);
        check(usedWhole == usedBytes);
    } else {
        check(whole.refusal().err == bytewise.refusal().err);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    Limits limits;
    limits.maxRequestLine = 256;  // small limits reach the limit paths often
    limits.maxHeaderBytes = 1024;
    limits.maxFieldBytes = 512;
    limits.maxFields = 16;
    HeadResult r = parseHead(in, limits);
    if (r.state == HeadResult::State::Refused) {
        check(r.refusal.status() >= 400 && r.refusal.status() < 600);
        check(!r.refusal.message.empty());
        return 0;
    }
    if (r.state == HeadResult::State::NeedMore) return 0;
    check(r.consumed > 0 && r.consumed <= size);
    const std::string_view head = in.substr(0, r.consumed);
    HeadResult again = parseHead(head, limits);
    check(again.state == HeadResult::State::Done && again.consumed == r.consumed);
    check(again.head.body == r.head.body && again.head.contentLength == r.head.contentLength);
    check(!r.head.method.empty() && !r.head.target.empty());
    check(!(r.head.find("Transfer-Encoding") && r.head.find("Content-Length")));
    // Prefixes: a few cut points, not all (keeps executions fast).
    for (size_t cut : {size_t{0}, r.consumed / 2, r.consumed - 1})
        check(parseHead(head.substr(0, cut), limits).state == HeadResult::State::NeedMore);
    if (r.head.body == RequestHead::Body::Chunked) decodeChunked(in.substr(r.consumed));
    return 0;
}
