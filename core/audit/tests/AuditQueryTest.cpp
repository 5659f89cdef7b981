// The audit filters of a query string: what each parameter sets, and the
// requests both the services and the console's viewer refuse.
#include "core/audit/AuditQuery.h"
#include "core/error/AppError.h"

#include <gtest/gtest.h>

using namespace medbox;

namespace {

AuditFilter parse(const std::string& query) {
    const http1::RequestHead head;
    const Request rq(head, "", "/api/v1/system/audit", query, "127.0.0.1");
    return auditFilterFrom(rq);
}

std::string refusedField(const std::string& query) {
    try {
        parse(query);
    } catch (const AppError& e) {
        EXPECT_EQ(e.err(), Err::InvalidField) << query;
        return e.field();
    }
    return "(accepted)";
}

}  // namespace

TEST(AuditQueryTest, DefaultsWithoutParameters) {
    const auto f = parse("");
    EXPECT_EQ(f.afterSeq, 0);
    EXPECT_EQ(f.beforeSeq, 0);
    EXPECT_EQ(f.limit, 100);
    EXPECT_FALSE(f.newestFirst);
    EXPECT_TRUE(f.actor.empty());
    EXPECT_FALSE(f.sinceMs);
    EXPECT_FALSE(f.untilMs);
}

TEST(AuditQueryTest, EveryParameterSetsItsField) {
    const auto f = parse(
        "order=desc&before=9&limit=5&actor=staff%3Aalice&action=user.&target=user%3Abob&q=x&outcome=denied"
        "&since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:01Z");
    EXPECT_TRUE(f.newestFirst);
    EXPECT_EQ(f.beforeSeq, 9);
    EXPECT_EQ(f.limit, 5);
    EXPECT_EQ(f.actor, "staff:alice");
    EXPECT_EQ(f.actionPrefix, "user.");
    EXPECT_EQ(f.target, "user:bob");
    EXPECT_EQ(f.text, "x");
    EXPECT_EQ(f.outcome, "denied");
    ASSERT_TRUE(f.sinceMs && f.untilMs);
    EXPECT_EQ(*f.untilMs - *f.sinceMs, 1000);
    EXPECT_EQ(parse("after=7").afterSeq, 7);
}

TEST(AuditQueryTest, RefusesWhatCannotBeMeant) {
    EXPECT_EQ(refusedField("order=up"), "order");
    EXPECT_EQ(refusedField("before=3"), "before");  // only newest first
    EXPECT_EQ(refusedField("order=desc&after=3"), "after");
    EXPECT_EQ(refusedField("limit=0"), "limit");
    EXPECT_EQ(refusedField("limit=1001"), "limit");
    EXPECT_EQ(refusedField("outcome=maybe"), "outcome");
    EXPECT_EQ(refusedField("actor=" + std::string(201, 'a')), "actor");
    EXPECT_EQ(refusedField("q=" + std::string(201, 'a')), "q");
    EXPECT_EQ(refusedField("since=yesterday"), "since");
    EXPECT_EQ(refusedField("since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z"), "until");
    EXPECT_EQ(refusedField("since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z"), "until");
    EXPECT_EQ(refusedField("actor=" + std::string(200, 'a')), "(accepted)");
}
