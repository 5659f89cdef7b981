#include "core/db/Checkpointer.h"

#include <Poco/Logger.h>
#include <sqlite3.h>

#include <chrono>

namespace medbox::db {

namespace {
// After a failed checkpoint (a full disk, an I/O error) the thread waits this
// long before it tries again; the writer's inline checkpoint still bounds the WAL.
constexpr auto kRetryAfter = std::chrono::seconds(1);
// Passes in a row while writes keep adding pages; then the next commit wakes it again.
constexpr int kMaxPassesInARow = 8;
}  // namespace

Checkpointer::Checkpointer(sqlite3* writer, sqlite3* own, int pages)
    : writer_(writer), own_(own), pages_(pages), hardLimit_(8 * pages) {
    sqlite3_wal_hook(writer_, &Checkpointer::walHook, this);  // replaces SQLite's automatic checkpoint
    thread_ = std::thread([this] { loop(); });
}

Checkpointer::~Checkpointer() {
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    sqlite3_close_v2(own_);
}

Checkpointer::Stats Checkpointer::stats() const { return {passes_.load(), inlinePasses_.load(), failures_.load()}; }

// Called by SQLite on the writer's thread after each commit, with the WAL's
// size in pages since it last started over.
int Checkpointer::walHook(void* self, sqlite3*, const char*, int frames) {
    auto& c = *static_cast<Checkpointer*>(self);
    if (frames >= c.hardLimit_) {
        // Backpressure: wait for the thread's pass, if one runs, then copy
        // what can be copied now. Never an error for the commit, which is done.
        std::lock_guard pass(c.passMutex_);
        int log = 0, copied = 0;
        if (c.pass(c.writer_, &log, &copied)) c.inlinePasses_++;
    } else if (frames >= c.pages_ && !c.pending_.exchange(true)) {
        {
            std::lock_guard lock(c.mutex_);
            c.wanted_ = true;
        }
        c.wake_.notify_one();
    }
    return SQLITE_OK;
}

bool Checkpointer::pass(sqlite3* db, int* frames, int* copied) {
    int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, frames, copied);
    if (rc == SQLITE_OK) return true;
    failures_++;
    Poco::Logger::get("db").warning("WAL checkpoint failed (%s); the WAL grows until one succeeds",
                                    std::string(sqlite3_errmsg(db)));
    return false;
}

void Checkpointer::loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [&] { return wanted_ || stopping_; });
        if (stopping_) return;
        wanted_ = false;
        lock.unlock();
        pending_ = false;  // commits from here on may wake the thread again
        bool ok = true;
        int before = -1;
        for (int i = 0; i < kMaxPassesInARow; ++i) {
            int log = 0, copied = 0;
            {
                std::lock_guard pass(passMutex_);
                ok = this->pass(own_, &log, &copied);
            }
            if (!ok) break;
            passes_++;
            // Caught up (the writer's next transaction starts the WAL over),
            // or a reader still uses the pages not copied: wait for the next commit.
            if (copied >= log || copied == before) break;
            before = copied;
        }
        lock.lock();
        if (!ok) wake_.wait_for(lock, kRetryAfter, [&] { return stopping_; });
    }
}

}  // namespace medbox::db
