#pragma once
// Keeps the audit log's head anchor file (<db>.audit-head: "seq hash") up to
// date, off the request path and at most once per `pause`.
//
// Every committed audit row moves the head. Replacing the file (a temporary
// file and a rename) on each group commit was 5 % of the booking service's
// CPU in the benchmark (docs/benchmarks.md), for a file that only has to
// catch up: a thread of its own writes the newest head, waits `pause`, and
// writes again if the head moved meanwhile. The anchor therefore lags the
// table by at most `pause` plus one write, which verify accepts (an anchor
// older than the table is fine; one ahead of it or differing is not).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace medbox {

class AnchorWriter {
public:
    AnchorWriter(std::string path, std::chrono::milliseconds pause);
    ~AnchorWriter();  // writes the newest head, then stops
    AnchorWriter(const AnchorWriter&) = delete;
    AnchorWriter& operator=(const AnchorWriter&) = delete;

    // The head moved to seq (after its commit). Never waits for the file.
    void advance(int64_t seq, const std::string& hash);
    // Returns once the newest head is on file, or its write failed (logged).
    void flush();
    const std::string& path() const { return path_; }
    uint64_t writes() const { return writes_; }  // files written so far

private:
    void loop();

    const std::string path_;
    const std::chrono::milliseconds pause_;
    std::mutex mutex_;
    std::condition_variable work_;     // to the thread: a new head, a flush, or stop
    std::condition_variable written_;  // to flush(): an attempt ended
    int64_t wanted_ = 0;               // the newest head asked for
    std::string hash_;                 // its hash
    int64_t done_ = 0;                 // the newest head written
    int64_t tried_ = 0;                // the newest head attempted (written or failed)
    bool failing_ = false;             // the last attempt failed (logged once per streak)
    bool idle_ = false;                // the thread waits for a new head
    int flushing_ = 0;                 // flush() calls waiting: no pause
    bool stopping_ = false;
    std::atomic<uint64_t> writes_{0};
    std::thread thread_;
};

}  // namespace medbox
