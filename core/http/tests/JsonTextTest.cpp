#include "core/http/JsonText.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <limits>
#include <sstream>

using namespace medbox;

namespace {

Poco::JSON::Object::Ptr ordered() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string pocoText(const Poco::Dynamic::Var& v) {
    std::ostringstream os;
    Poco::JSON::Stringifier::stringify(v, os);
    return os.str();
}

}  // namespace

TEST(JsonTextTest, WritesEveryKindOfValueInKeyOrder) {
    auto o = ordered();
    o->set("z", 1);
    o->set("a", std::string("张伟"));
    o->set("neg", Poco::Int64{-42});
    o->set("big", std::numeric_limits<Poco::Int64>::max());
    o->set("unsigned", Poco::UInt64{18'446'744'073'709'551'615ULL});
    o->set("t", true);
    o->set("f", false);
    o->set("none", Poco::Dynamic::Var());
    auto inner = ordered();
    inner->set("k", std::string("v"));
    o->set("obj", inner);
    Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
    arr->add(1);
    arr->add(std::string("two"));
    arr->add(Poco::Dynamic::Var());
    arr->add(ordered());
    o->set("arr", arr);
    o->set("empty", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
    EXPECT_EQ(json::text(o), R"({"z":1,"a":"张伟","neg":-42,"big":9223372036854775807,"unsigned":18446744073709551615,)"
                             R"("t":true,"f":false,"none":null,"obj":{"k":"v"},"arr":[1,"two",null,{}],"empty":[]})");
}

TEST(JsonTextTest, EscapesWhatJsonRequiresAndNothingElse) {
    std::string out;
    json::appendString(out, "q\" b\\ / \n\r\t\b\f \x01\x1f é");
    EXPECT_EQ(out, R"("q\" b\\ / \n\r\t\b\f \u0001\u001f é")");
}

// Whatever the value, the text parses back to what Poco itself would write.
TEST(JsonTextTest, RoundTripsThroughPocosParser) {
    auto o = ordered();
    o->set("d", 3.25);
    o->set("s", std::string("line\nbreak \"quoted\" \\ 中文 \x7f"));
    o->set("i", -7);
    Poco::JSON::Array::Ptr nested = new Poco::JSON::Array;
    nested->add(o);
    auto outer = ordered();
    outer->set("list", nested);
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));  // keeps key order
    const Poco::Dynamic::Var back = parser.parse(json::text(outer));
    EXPECT_EQ(pocoText(back), pocoText(outer));
}

TEST(JsonObjectWriterTest, WritesMembersInOrderWithEscapesAndNesting) {
    const std::string inner = json::ObjectWriter().string("k", "v\"").done();
    const std::string t = json::ObjectWriter()
                              .number("id", -9223372036854775807LL - 1)
                              .string("name", "张伟\n")
                              .boolean("yes", true)
                              .boolean("no", false)
                              .null("none")
                              .raw("obj", inner)
                              .done();
    EXPECT_EQ(t, R"({"id":-9223372036854775808,"name":"张伟\n","yes":true,"no":false,"none":null,"obj":{"k":"v\""}})");
    EXPECT_EQ(json::ObjectWriter().done(), "{}");
    // What it writes is what Poco parses back.
    Poco::JSON::Parser parser;
    auto back = parser.parse(t).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(back->getValue<std::string>("name"), "张伟\n");
    EXPECT_EQ(back->getObject("obj")->getValue<std::string>("k"), "v\"");
    EXPECT_TRUE(back->isNull("none"));
}
