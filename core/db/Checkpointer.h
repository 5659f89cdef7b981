#pragma once
// WAL checkpoints off the single writer's path (docs/data-layer.md).
//
// SQLite's automatic checkpoint runs inside the COMMIT that takes the WAL
// past 1,000 pages, on the writer: it copies those pages into the database
// file and fsyncs the WAL and then the database, and every write waits
// meanwhile. In the booking benchmark that was most of the time the writer
// spent blocked (docs/benchmarks.md).
//
// With a Checkpointer the writer's automatic checkpoint is off. Its WAL hook
// wakes a thread of the Checkpointer's, which runs PASSIVE checkpoints on a
// connection of its own (they never block the writer) until everything in
// the WAL is in the database file: the next write then starts the WAL again
// from its beginning, so the file stays at about `pages` pages. Should the
// WAL still reach `hardLimit` pages (the thread cannot keep up, a long read
// pins old pages, checkpoints fail), the writer checkpoints inline, as
// SQLite would: slower, but the WAL stays bounded.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace medbox::db {

class Checkpointer {
public:
    // writer: the writer connection (the Checkpointer takes its WAL hook).
    // own: a read-write connection to the same file, closed by the Checkpointer.
    Checkpointer(sqlite3* writer, sqlite3* own, int pages);
    ~Checkpointer();  // stops the thread; call before the writer closes
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    struct Stats {
        uint64_t passes = 0;        // checkpoints run by the thread
        uint64_t inlinePasses = 0;  // checkpoints the writer had to run itself
        uint64_t failures = 0;      // checkpoints that returned an error
    };
    Stats stats() const;
    int hardLimit() const { return hardLimit_; }

private:
    static int walHook(void* self, sqlite3* db, const char* dbName, int frames);
    void loop();
    bool pass(sqlite3* db, int* frames, int* copied);  // one PASSIVE checkpoint; false on error

    sqlite3* writer_;
    sqlite3* own_;
    const int pages_;
    const int hardLimit_;
    std::mutex passMutex_;  // one checkpoint at a time: the thread's or the writer's
    std::mutex mutex_;
    std::condition_variable wake_;
    bool wanted_ = false;               // under mutex_
    bool stopping_ = false;             // under mutex_
    std::atomic<bool> pending_{false};  // a wake-up is on its way: the hook skips the lock
    std::atomic<uint64_t> passes_{0}, inlinePasses_{0}, failures_{0};
    std::thread thread_;
};

}  // namespace medbox::db
