// libFuzzer target: a request body as Request::json() takes it
// (JsonBody::parse), then the checks handlers make on it, then the answer
// writer on what was parsed. A body may only ever be refused with AppError
// (a 400 answer); json::text must write what Poco's parser reads back the same.
#include "core/error/AppError.h"
#include "core/http/JsonBody.h"
#include "core/http/JsonText.h"

#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdlib>

using namespace medbox;

namespace {

template <typename F>
void refusedOrAnswered(F&& check) {
    try {
        check();
    } catch (const AppError&) {
        // The answer to a bad field: 400 with its name.
    }
}

void probe(const JsonBody& b) {
    refusedOrAnswered([&] { b.allowOnly({"name", "n", "ok", "date", "time", "kind", "items", "inner"}); });
    refusedOrAnswered([&] { b.str("name"); });
    refusedOrAnswered([&] { b.optStr("name", 5); });
    refusedOrAnswered([&] { b.integer("n", -1000, 1000); });
    refusedOrAnswered([&] { b.optInteger("n", INT64_MIN, INT64_MAX); });
    refusedOrAnswered([&] { b.boolean("ok"); });
    refusedOrAnswered([&] { b.oneOf("kind", {"a", "b"}); });
    refusedOrAnswered([&] { b.date("date"); });
    refusedOrAnswered([&] { b.timeOfDay("time"); });
    refusedOrAnswered([&] { b.array("items", 10); });
    refusedOrAnswered([&] { b.object("inner").str("name"); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::optional<JsonBody> body;
    try {
        body = JsonBody::parse(text);
    } catch (const AppError& e) {
        if (e.err() != Err::BadRequest) std::abort();
        return 0;
    }
    probe(*body);
    // What the service would write back parses to the same text again.
    const std::string once = json::text(body->raw());
    Poco::JSON::Parser parser;
    const auto again = parser.parse(once).extract<Poco::JSON::Object::Ptr>();
    if (json::text(again) != once) std::abort();
    return 0;
}
