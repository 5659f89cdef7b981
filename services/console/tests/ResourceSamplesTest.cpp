// The overview's host readings: /proc parsing (a fake /proc folder), mounts
// counted once per file system, samples stored, averaged into buckets and
// purged after the keep time; unit memory kept out when systemd is away.
#include "ConsoleTestEnv.h"
#include "domain/HostProbe.h"
#include "domain/ResourceSamples.h"

#include <filesystem>
#include <fstream>
#include <map>

using namespace medbox;
using namespace medbox::console;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

std::map<std::string, double> byMetric(const std::vector<Reading>& readings) {
    std::map<std::string, double> out;
    for (const auto& r : readings) out[r.metric] = r.value;
    return out;
}

// /proc/stat's first line: user nice system idle iowait irq softirq steal.
std::string stat(uint64_t busy, uint64_t idle, uint64_t iowait) {
    return "cpu  " + std::to_string(busy) + " 0 0 " + std::to_string(idle) + " " + std::to_string(iowait) +
           " 0 0 0 0 0\ncpu0 1 2 3 4\n";
}

}  // namespace

TEST(HostProbeTest, ReadsCpuShareMemoryAndEachFileSystemOnce) {
    testutil::TempDir proc;
    const fs::path dir(proc.path());
    writeFile(dir / "stat", stat(100, 800, 100));
    writeFile(dir / "meminfo", "MemTotal:       16000000 kB\nMemFree:  1000 kB\nMemAvailable:   12000000 kB\n");
    // "/" twice and a missing mount: counted once, skipped.
    HostProbe probe(dir.string(), {"/", "/", "/nonexistent/medbox"});
    auto first = byMetric(probe.read());
    EXPECT_EQ(first.count("cpu.busy"), 0u);  // a share needs two readings
    EXPECT_DOUBLE_EQ(first.at("mem.total_bytes"), 16000000.0 * 1024);
    EXPECT_DOUBLE_EQ(first.at("mem.used_bytes"), 4000000.0 * 1024);
    EXPECT_GT(first.at("disk.total_bytes:/"), 0);
    EXPECT_LE(first.at("disk.used_bytes:/"), first.at("disk.total_bytes:/"));
    EXPECT_EQ(first.count("disk.total_bytes:/nonexistent/medbox"), 0u);
    EXPECT_EQ(first.size(), 4u);

    // 300 more jiffies, 75 of them busy; iowait counts as idle.
    writeFile(dir / "stat", stat(175, 950, 175));
    auto second = byMetric(probe.read());
    EXPECT_DOUBLE_EQ(second.at("cpu.busy"), 0.25);

    // A garbled /proc gives no reading rather than a wrong one.
    writeFile(dir / "stat", "garbage\n");
    writeFile(dir / "meminfo", "MemTotal: 10 kB\nMemAvailable: 20 kB\n");
    auto third = byMetric(probe.read());
    EXPECT_EQ(third.count("cpu.busy"), 0u);
    EXPECT_EQ(third.count("mem.used_bytes"), 0u);
}

class ResourceSamplesTest : public ::testing::Test {
protected:
    static ConsoleConfig config() {
        ConsoleConfig c;
        c.sampleSeconds = 60;
        c.samplesKeepDays = 1;
        return c;
    }

    void SetUp() override {
        procDir_ = fs::path(t_.tmp.path()) / "proc";
        fs::create_directory(procDir_);
        writeFile(procDir_ / "meminfo", "MemTotal: 1000 kB\nMemAvailable: 600 kB\n");
        samples_ = std::make_unique<ResourceSamples>(*t_.env, HostProbe(procDir_.string(), {}), [this] {
            if (!systemdUp_) throw std::runtime_error("no bus");
            return std::vector<Reading>{{"unit.memory_bytes:medbox-booking.service", unitMemory_}};
        });
    }

    testenv::ConsoleTestEnv t_{config()};
    ManualClock& clock_ = t_.clock;
    fs::path procDir_;
    bool systemdUp_ = true;
    double unitMemory_ = 0;
    std::unique_ptr<ResourceSamples> samples_;
};

TEST_F(ResourceSamplesTest, StoresAveragesIntoBucketsAndPurgesAfterTheKeepTime) {
    const int64_t t0 = clock_.nowMs();
    // Ten minutes, one sample a minute; unit memory 0, 100, ..., 900.
    for (int i = 0; i < 10; ++i) {
        unitMemory_ = 100.0 * i;
        samples_->sampleOnce();
        clock_.advanceMs(60'000);
    }
    auto series = samples_->series("unit.", t0, t0 + 600'000);
    ASSERT_EQ(series.size(), 1u);
    EXPECT_EQ(series[0].metric, "unit.memory_bytes:medbox-booking.service");
    ASSERT_EQ(series[0].points.size(), 10u);  // a bucket per sampling period, never finer
    EXPECT_EQ(series[0].points[3].tMs, t0 + 180'000);
    EXPECT_DOUBLE_EQ(series[0].points[3].value, 300);

    // The whole kept day in at most kMaxPoints buckets of 2 minutes: means of pairs.
    series = samples_->series("unit.", t0, t0 + 86'400'000);
    ASSERT_EQ(series.size(), 1u);
    ASSERT_EQ(series[0].points.size(), 5u);
    EXPECT_DOUBLE_EQ(series[0].points[0].value, 50);
    EXPECT_DOUBLE_EQ(series[0].points[4].value, 850);

    // All metrics, sorted; memory from the fake /proc.
    series = samples_->series("", t0, t0 + 600'000);
    ASSERT_EQ(series.size(), 3u);
    EXPECT_EQ(series[0].metric, "mem.total_bytes");
    EXPECT_EQ(series[1].metric, "mem.used_bytes");
    EXPECT_DOUBLE_EQ(series[1].points[0].value, 400.0 * 1024);

    // A day later the first samples are gone, the sample just taken is there.
    clock_.advanceMs(86'400'000 - 5 * 60'000);
    samples_->sampleOnce();
    series = samples_->series("unit.", t0, t0 + 600'000);
    ASSERT_EQ(series.size(), 1u);
    ASSERT_EQ(series[0].points.size(), 5u);  // minutes 5..9 of the first ten
    EXPECT_EQ(series[0].points.front().tMs, t0 + 5 * 60'000);
    EXPECT_EQ(samples_->series("unit.", clock_.nowMs(), clock_.nowMs() + 1).at(0).points.size(), 1u);
}

TEST_F(ResourceSamplesTest, HostReadingsAreKeptWhenSystemdIsAway) {
    systemdUp_ = false;
    const int64_t t0 = clock_.nowMs();
    samples_->sampleOnce();
    auto series = samples_->series("", t0, t0 + 1);
    ASSERT_EQ(series.size(), 2u);
    EXPECT_EQ(series[0].metric, "mem.total_bytes");
    EXPECT_TRUE(samples_->series("unit.", t0, t0 + 1).empty());
}

TEST_F(ResourceSamplesTest, RefusesReversedAndTooLongWindows) {
    const int64_t t = clock_.nowMs();
    EXPECT_THROW(samples_->series("", t, t), AppError);
    EXPECT_THROW(samples_->series("", t, t - 1), AppError);
    EXPECT_THROW(samples_->series("", t - 3 * 86'400'000LL, t), AppError);
    // A prefix with LIKE's wildcards means itself.
    samples_->sampleOnce();
    EXPECT_TRUE(samples_->series("mem%", t, t + 1).empty());
    EXPECT_TRUE(samples_->series("mem_", t, t + 1).empty());
    EXPECT_EQ(samples_->series("mem.", t, t + 1).size(), 2u);
}
