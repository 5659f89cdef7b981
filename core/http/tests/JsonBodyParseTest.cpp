// JsonBody::parse, the one way a request body becomes a JsonBody: anything
// but one JSON object is a 400 bad_request, never another exception.
#include "core/error/AppError.h"
#include "core/http/JsonBody.h"

#include <gtest/gtest.h>

using namespace medbox;

namespace {
Err errorOf(const std::string& text) {
    try {
        JsonBody::parse(text);
    } catch (const AppError& e) {
        return e.err();
    }
    ADD_FAILURE() << "accepted: " << text;
    return Err::Internal;
}
}  // namespace

TEST(JsonBodyParseTest, AnObjectIsAccepted) {
    const JsonBody b = JsonBody::parse(R"({"name":"王","n":3})");
    EXPECT_EQ(b.str("name"), "王");
    EXPECT_EQ(b.integer("n", 0, 10), 3);
}

TEST(JsonBodyParseTest, AnythingElseIsABadRequest) {
    for (const char* text : {"", "{", "[]", "3", "\"x\"", "null", "{\"a\":}", "{} {}", "\xff"})
        EXPECT_EQ(errorOf(text), Err::BadRequest) << text;
}
