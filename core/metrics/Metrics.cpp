#include "core/metrics/Metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace medbox {

namespace {

// Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*
void checkName(const std::string& name) {
    bool ok = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':');
    }
    if (!ok) throw std::invalid_argument("invalid metric name '" + name + "'");
}

std::string formatNumber(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
    return std::string(buf, ec == std::errc() ? ptr : buf);
}

std::string escapeHelp(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string sample(const std::string& name, const std::string& labels, const std::string& value) {
    return labels.empty() ? name + " " + value + "\n" : name + "{" + labels + "} " + value + "\n";
}

std::vector<double> checkedBounds(std::vector<double> bounds) {
    for (double b : bounds) {
        if (!std::isfinite(b)) throw std::invalid_argument("histogram bounds must be finite");
    }
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    return bounds;
}

// Request latencies from 1 ms to 10 s.
const std::vector<double> kDefaultBounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

}  // namespace

std::string escapeLabel(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(checkedBounds(std::move(bounds))), buckets_(bounds_.size()) {}

void Histogram::observe(double seconds) {
    if (std::isnan(seconds) || seconds < 0) seconds = 0;
    // Buckets hold the count of their own range; render() accumulates.
    auto it = std::lower_bound(bounds_.begin(), bounds_.end(), seconds);  // first bound >= value: "le"
    if (it != bounds_.end())
        buckets_[static_cast<size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
    sumMicros_.fetch_add(std::llround(std::min(seconds, 1e9) * 1e6), std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

std::string Histogram::render(const std::string& name, const std::string& labels) const {
    // Count first: observations landing during render may make +Inf lag the
    // finite buckets by a few, never the other way round.
    const int64_t count = count_.load(std::memory_order_relaxed);
    const std::string sep = labels.empty() ? "" : labels + ",";
    std::string out;
    int64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        out += sample(name + "_bucket", sep + "le=\"" + formatNumber(bounds_[i]) + "\"",
                      std::to_string(std::min(cumulative, count)));
    }
    out += sample(name + "_bucket", sep + "le=\"+Inf\"", std::to_string(count));
    out += sample(name + "_sum", labels,
                  formatNumber(static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6));
    out += sample(name + "_count", labels, std::to_string(count));
    return out;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto fam = families_.find(name);
    if (fam == families_.end()) {
        checkName(name);
        families_.emplace(name, Family{help, "counter"});
    } else if (fam->second.type != "counter") {
        throw std::logic_error("metric '" + name + "' is a " + fam->second.type + ", not a counter");
    }
    // std::map nodes never move, so the reference stays valid for the registry's lifetime.
    return counters_[name].try_emplace(labels).first->second;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help, const std::string& labels) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto fam = families_.find(name);
    if (fam == families_.end()) {
        checkName(name);
        families_.emplace(name, Family{help, "histogram"});
    } else if (fam->second.type != "histogram") {
        throw std::logic_error("metric '" + name + "' is a " + fam->second.type + ", not a histogram");
    }
    auto& slot = histograms_[name][labels];
    if (!slot) slot = std::make_unique<Histogram>(kDefaultBounds);
    return *slot;
}

void Metrics::gauge(const std::string& name, const std::string& help, std::function<double()> read) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto fam = families_.find(name);
    if (fam == families_.end()) {
        checkName(name);
        families_.emplace(name, Family{help, "gauge"});
    } else if (fam->second.type != "gauge") {
        throw std::logic_error("metric '" + name + "' is a " + fam->second.type + ", not a gauge");
    }
    // Registering again replaces the reader (e.g. a component re-created in tests).
    gauges_[name] = std::move(read);
}

void Metrics::gauges(const std::string& name, const std::string& help, std::function<Samples()> read) {
    gauge(name, help, {});  // the family, checked as for a single gauge
    std::lock_guard<std::mutex> lock(mutex_);
    gaugeSets_[name] = std::move(read);
}

std::string Metrics::render() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out;
    for (const auto& [name, fam] : families_) {  // sorted by name: a stable order for scrapers and diffs
        std::string body;
        if (fam.type == "counter") {
            auto it = counters_.find(name);
            if (it != counters_.end()) {
                for (const auto& [labels, c] : it->second) body += sample(name, labels, std::to_string(c.value()));
            }
        } else if (fam.type == "histogram") {
            auto it = histograms_.find(name);
            if (it != histograms_.end()) {
                for (const auto& [labels, h] : it->second) body += h->render(name, labels);
            }
        } else {
            auto set = gaugeSets_.find(name);
            if (set != gaugeSets_.end() && set->second) {
                try {
                    for (const auto& [labels, v] : set->second()) body += sample(name, labels, formatNumber(v));
                } catch (const std::exception& e) {
                    body = "# " + name + " unavailable: " + escapeHelp(e.what()) + "\n";
                }
            }
            auto it = gauges_.find(name);
            if (it != gauges_.end() && it->second) {
                try {
                    body += sample(name, "", formatNumber(it->second()));
                } catch (const std::exception& e) {
                    // Keep the scrape working; the comment shows why the value is absent.
                    body += "# " + name + " unavailable: " + escapeHelp(e.what()) + "\n";
                }
            }
        }
        out += "# HELP " + name + " " + escapeHelp(fam.help) + "\n";
        out += "# TYPE " + name + " " + fam.type + "\n";
        out += body;
    }
    return out;
}

}  // namespace medbox
