#include "his/Envelope.h"
#include "core/error/AppError.h"
#include "core/http/JsonBody.h"
#include "core/http/JsonText.h"
#include "core/net/LengthPrefixFramer.h"
#include <cstdio>

namespace medbox::hisbridge::his {

namespace {

const char* const kTxns[] = {"T101", "T102", "T103", "T104", "T105", "T106",
                             "T107", "T108", "P201", "P202", "P203", "P204"};

bool idChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == ':' || c == '-';
}

// The body as a JSON object in UTF-8, or HisError 1001.
JsonBody parseBody(std::string_view body, Charset cs) {
    try {
        return JsonBody::parse(text::toUtf8(body, cs, "body"));
    } catch (const AppError& e) {
        throw HisError(code::kMalformed, e.what());
    }
}

std::string requestIdOf(const JsonBody& b) {
    const std::string id = b.str("requestId", kMaxRequestIdChars);
    for (char c : id)
        if (!idChar(c)) throw HisError(code::kInvalid, "requestId may hold only A-Z a-z 0-9 . _ : -", "requestId");
    return id;
}

// Envelope field checks, with JsonBody's AppError turned into 1003.
template <typename F>
auto field(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const AppError& e) {
        throw HisError(code::kInvalid, e.what(), e.field());
    }
}

void checkVersion(const JsonBody& b) {
    const auto v = field([&] { return b.integer("version", 0, 1'000'000); });
    if (v != kVersion) throw HisError(code::kUnknown, "version " + std::to_string(v) + " is not spoken here (1 is)");
}

// Non-ASCII characters of UTF-8 JSON text as \u escapes: the text is then
// the same in every ASCII-compatible character set. Only JSON strings hold
// such characters, so the result is the same JSON value.
std::string asciiJson(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    char buf[16];
    for (size_t i = 0; i < utf8.size();) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        const size_t n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
        uint32_t cp = c & (n == 3 ? 0x07 : n == 2 ? 0x0F : 0x1F);
        for (size_t k = 1; k <= n && i + k < utf8.size(); ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
        i += n + 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
        } else {
            std::snprintf(buf, sizeof buf, "\\u%04x", cp);
        }
        out += buf;
    }
    return out;
}

std::string inCharset(const std::string& utf8, Charset cs) {
    try {
        return text::fromUtf8(utf8, cs);
    } catch (const AppError&) {
        return asciiJson(utf8);  // a character GBK cannot hold: escaped, never dropped
    }
}

}  // namespace

bool isAnswerCode(std::string_view c) {
    if (c.size() != 4) return false;
    for (char ch : c)
        if (ch < '0' || ch > '9') return false;
    return true;
}

bool txnKnown(std::string_view txn) {
    for (const char* t : kTxns)
        if (txn == t) return true;
    return false;
}

bool txnFromHis(std::string_view txn) { return txnKnown(txn) && txn[0] == 'T'; }

std::shared_ptr<const net::Framer> framer() {
    static const auto f = std::make_shared<const net::LengthPrefixFramer>(net::LengthPrefixFramer::Header::AsciiDecimal,
                                                                          kHeaderDigits);
    return f;
}

std::string frame(std::string_view body) {
    if (body.size() > 99'999'999) throw std::invalid_argument("a HIS frame holds at most 99,999,999 bytes");
    char header[kHeaderDigits + 1];
    std::snprintf(header, sizeof header, "%08zu", body.size());
    return std::string(header, kHeaderDigits) + std::string(body);
}

Request decodeRequest(std::string_view body, Charset cs) {
    const JsonBody b = parseBody(body, cs);
    Request r;
    r.requestId = field([&] { return requestIdOf(b); });
    field([&] { b.allowOnly({"version", "txn", "requestId", "sentAt", "data"}); });
    checkVersion(b);
    r.txn = field([&] { return b.str("txn", 8); });
    if (!txnKnown(r.txn)) throw HisError(code::kUnknown, "txn " + r.txn + " is not a transaction of this interface");
    r.sentAt = field([&] { return b.optStr("sentAt", 40).value_or(""); });
    r.data = field([&] { return b.object("data").raw(); });
    return r;
}

Answer echoOf(std::string_view body, Charset cs) {
    Answer a;
    try {
        const JsonBody b = JsonBody::parse(text::toUtf8(body, cs, "body"));
        try {
            a.requestId = requestIdOf(b);
        } catch (const std::exception&) {
        }
        try {
            const std::string t = b.str("txn", 8);
            if (txnKnown(t)) a.txn = t;
        } catch (const std::exception&) {
        }
    } catch (const std::exception&) {
    }
    return a;
}

std::string encodeAnswer(const Answer& a, Charset cs) {
    const std::string utf8 = json::ObjectWriter()
                                 .number("version", kVersion)
                                 .string("txn", a.txn)
                                 .string("requestId", a.requestId)
                                 .string("code", a.code)
                                 .string("message", a.message)
                                 .raw("data", json::text(a.data))
                                 .done();
    return inCharset(utf8, cs);
}

std::string encodeRequest(const Request& r, Charset cs) {
    const std::string utf8 = json::ObjectWriter()
                                 .number("version", kVersion)
                                 .string("txn", r.txn)
                                 .string("requestId", r.requestId)
                                 .string("sentAt", r.sentAt)
                                 .raw("data", json::text(r.data))
                                 .done();
    return inCharset(utf8, cs);
}

Answer decodeAnswer(std::string_view body, Charset cs, const Request& sent) {
    const JsonBody b = parseBody(body, cs);
    auto bad = [](const std::string& why) { return HisError(code::kMalformed, "the answer " + why); };
    Answer a;
    try {
        b.allowOnly({"version", "txn", "requestId", "code", "message", "data"});
        if (b.integer("version", 0, 1'000'000) != kVersion) throw bad("has another version");
        a.txn = b.str("txn", 8);
        a.requestId = b.str("requestId", kMaxRequestIdChars);
        a.code = b.str("code", 4);
        a.message = b.optStr("message", 500).value_or("");
        if (b.has("data")) a.data = b.object("data").raw();
    } catch (const AppError& e) {
        throw bad(std::string("is not valid: ") + e.what());
    }
    if (!isAnswerCode(a.code)) throw bad("code is not four digits");
    if (a.txn != sent.txn || a.requestId != sent.requestId) throw bad("is for another request");
    return a;
}

}  // namespace medbox::hisbridge::his
