#pragma once
// Prometheus text-format metrics (Poco 1.11 has no Prometheus module).
// Counters and gauges are registered once and then updated lock-free; render()
// is called by GET /metrics. Owned by the service context; thread-safe.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace medbox {

class Counter {
public:
    void inc(int64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
    int64_t value() const { return v_.load(std::memory_order_relaxed); }

private:
    std::atomic<int64_t> v_{0};
};

// Latency histogram with fixed buckets in seconds.
class Histogram {
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double seconds);
    std::string render(const std::string& name, const std::string& labels) const;

private:
    std::vector<double> bounds_;
    std::deque<std::atomic<int64_t>> buckets_;
    std::atomic<int64_t> count_{0};
    std::atomic<int64_t> sumMicros_{0};
};

class Metrics {
public:
    // labels: `route="/x",status="200"` (already escaped), may be empty.
    Counter& counter(const std::string& name, const std::string& help, const std::string& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help, const std::string& labels = {});
    // A value read at render time (e.g. outbox backlog, open connections).
    void gauge(const std::string& name, const std::string& help, std::function<double()> read);
    // A gauge family whose samples (labels, value) are read at render time
    // (e.g. one per partner); labels already escaped, as for counter().
    using Samples = std::vector<std::pair<std::string, double>>;
    void gauges(const std::string& name, const std::string& help, std::function<Samples()> read);
    std::string render() const;

private:
    struct Family {
        std::string help;
        std::string type;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
    std::map<std::string, std::map<std::string, Counter>> counters_;
    std::map<std::string, std::map<std::string, std::unique_ptr<Histogram>>> histograms_;
    std::map<std::string, std::function<double()>> gauges_;
    std::map<std::string, std::function<Samples()>> gaugeSets_;
};

std::string escapeLabel(const std::string& v);

}  // namespace medbox
