#include "core/metrics/Metrics.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace medbox;

TEST(MetricsTest, CountersRenderWithHelpTypeAndLabels) {
    Metrics m;
    m.counter("medbox_http_requests_total", "HTTP requests.", R"(route="/b",status="200")").inc(3);
    m.counter("medbox_http_requests_total", "HTTP requests.", R"(route="/a",status="200")").inc();
    m.counter("medbox_logins_total", "Logins.").inc(2);
    EXPECT_EQ(m.render(),
              "# HELP medbox_http_requests_total HTTP requests.\n"
              "# TYPE medbox_http_requests_total counter\n"
              "medbox_http_requests_total{route=\"/a\",status=\"200\"} 1\n"
              "medbox_http_requests_total{route=\"/b\",status=\"200\"} 3\n"
              "# HELP medbox_logins_total Logins.\n"
              "# TYPE medbox_logins_total counter\n"
              "medbox_logins_total 2\n");
}

TEST(MetricsTest, SameCounterIsReturnedAgain) {
    Metrics m;
    Counter& a = m.counter("x_total", "X.");
    Counter& b = m.counter("x_total", "X.");
    EXPECT_EQ(&a, &b);
    a.inc();
    EXPECT_EQ(b.value(), 1);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
    Histogram h({0.1, 0.5, 1});
    h.observe(0.05);
    h.observe(0.1);  // le is inclusive
    h.observe(0.3);
    h.observe(2);
    EXPECT_EQ(h.render("lat_seconds", R"(route="/x")"),
              "lat_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
              "lat_seconds_bucket{route=\"/x\",le=\"0.5\"} 3\n"
              "lat_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
              "lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
              "lat_seconds_sum{route=\"/x\"} 2.45\n"
              "lat_seconds_count{route=\"/x\"} 4\n");
    EXPECT_EQ(Histogram({1}).render("h", ""), "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

TEST(MetricsTest, RegistryHistogramAndGauge) {
    Metrics m;
    m.histogram("medbox_http_request_duration_seconds", "Latency.", R"(route="/a")").observe(0.003);
    double backlog = 7;
    m.gauge("medbox_outbox_pending", "Pending.", [&] { return backlog; });
    std::string text = m.render();
    EXPECT_NE(text.find("# TYPE medbox_http_request_duration_seconds histogram\n"), std::string::npos) << text;
    EXPECT_NE(text.find("medbox_http_request_duration_seconds_count{route=\"/a\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("# TYPE medbox_outbox_pending gauge\nmedbox_outbox_pending 7\n"), std::string::npos) << text;
    EXPECT_LT(text.find("medbox_http_request_duration_seconds"), text.find("medbox_outbox_pending"));  // sorted
    backlog = 0.5;
    EXPECT_NE(m.render().find("medbox_outbox_pending 0.5\n"), std::string::npos);
}

TEST(MetricsTest, FailingGaugeDoesNotBreakTheScrape) {
    Metrics m;
    m.gauge("a_gauge", "A.", []() -> double { throw std::runtime_error("database is locked"); });
    m.counter("b_total", "B.").inc();
    std::string text = m.render();
    EXPECT_NE(text.find("# a_gauge unavailable: database is locked\n"), std::string::npos) << text;
    EXPECT_NE(text.find("b_total 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, GaugeFamilyRendersOneSamplePerLabelSetReadAtScrape) {
    Metrics m;
    Metrics::Samples now = {{R"(partner="his")", 3}, {R"(partner="lis")", 0.5}};
    m.gauges("q_depth", "Queue.", [&] { return now; });
    std::string text = m.render();
    EXPECT_NE(text.find("# TYPE q_depth gauge\nq_depth{partner=\"his\"} 3\nq_depth{partner=\"lis\"} 0.5\n"),
              std::string::npos)
        << text;
    now = {};
    EXPECT_EQ(m.render().find("q_depth{"), std::string::npos);  // a partner gone is no longer shown
    m.gauges("q_fail", "Fails.", []() -> Metrics::Samples { throw std::runtime_error("locked"); });
    EXPECT_NE(m.render().find("# q_fail unavailable: locked\n"), std::string::npos);
}

TEST(MetricsTest, MisuseIsRefused) {
    Metrics m;
    m.counter("x_total", "X.");
    EXPECT_THROW(m.histogram("x_total", "X."), std::logic_error);
    EXPECT_THROW(m.counter("bad name", "X."), std::invalid_argument);
    EXPECT_THROW(m.counter("1abc", "X."), std::invalid_argument);
}

TEST(MetricsTest, EscapeLabel) {
    EXPECT_EQ(escapeLabel("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    EXPECT_EQ(escapeLabel("/api/v1/slots/{id}"), "/api/v1/slots/{id}");
}

TEST(MetricsTest, HelpIsEscaped) {
    Metrics m;
    m.counter("x_total", "line1\nline2 \\ end");
    EXPECT_NE(m.render().find("# HELP x_total line1\\nline2 \\\\ end\n"), std::string::npos);
}
