#include "core/db/Database.h"

#include "core/db/ChangeCapture.h"
#include "core/db/CoreSchema.h"

#include <Poco/Logger.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <semaphore>
#include <set>

namespace medbox::db {

namespace {

int64_t wallMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void execOn(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db);
        sqlite3_free(err);
        throw DbError(sqlite3_extended_errcode(db), msg);
    }
}

}  // namespace

std::vector<Migration> migrationsFrom(const std::vector<resources::Resource>& files) {
    std::vector<Migration> out;
    std::set<int> seen;
    for (const auto& f : files) {
        constexpr std::string_view dir = "migrations/";
        if (!f.name.starts_with(dir) || !f.name.ends_with(".sql")) continue;
        std::string_view file = f.name.substr(dir.size());
        int number = 0;
        auto [p, ec] = std::from_chars(file.data(), file.data() + file.size(), number);
        if (ec != std::errc() || p - file.data() != 4 || *p != '_' || number <= 0)
            throw std::runtime_error("migration file '" + std::string(file) + "' must be named NNNN_verb_noun.sql");
        if (!seen.insert(number).second)
            throw std::runtime_error("migration number " + std::to_string(number) + " is used twice");
        out.push_back({number, std::string(file), std::string(f.bytes)});
    }
    std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.number < b.number; });
    return out;
}

Connection::~Connection() {
    for (auto& [sql, st] : cache_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
}

Statement Connection::prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
        sqlite3_stmt* st = nullptr;
        int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st,
                                    nullptr);
        if (rc != SQLITE_OK)
            throw DbError(sqlite3_extended_errcode(db_), std::string(sqlite3_errmsg(db_)) + " in: " + sql);
        it = cache_.emplace(sql, st).first;
    }
    return Statement(db_, it->second);
}

void Connection::exec(const std::string& sql) { execOn(db_, sql); }
int64_t Connection::lastInsertId() const { return sqlite3_last_insert_rowid(db_); }
int Connection::changes() const { return sqlite3_changes(db_); }

sqlite3* Database::openConnection(Role role) {
    const bool writer = role == Role::Writer;
    // Before SQLite's first use in the process: no global memory statistics,
    // whose mutex every allocation of every connection would otherwise take.
    static std::once_flag configured;
    std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    sqlite3* h = nullptr;
    int flags = SQLITE_OPEN_NOMUTEX |
                (role == Role::Reader ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    int rc = sqlite3_open_v2(opts_.path.c_str(), &h, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = h ? sqlite3_errmsg(h) : "out of memory";
        int code = h ? sqlite3_extended_errcode(h) : rc;
        sqlite3_close_v2(h);
        throw DbError(code, "cannot open database " + opts_.path + ": " + msg);
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, opts_.busyTimeoutMs);
    try {
        execOn(h, "PRAGMA foreign_keys=ON");
        if (writer) {
            execOn(h, "PRAGMA journal_mode=WAL");
            // FULL is kept by the pipelined sync (write()): SQLite itself
            // then commits without fsync, as NORMAL does.
            execOn(h, "PRAGMA synchronous=" + std::string(opts_.synchronous == "FULL" ? "NORMAL" : opts_.synchronous));
            // The single writer touches the hot pages (indexes, counters) of
            // every transaction: 32 MiB instead of SQLite's 2 MiB.
            execOn(h, "PRAGMA cache_size=-32768");
            // Each member of a group commit runs in a savepoint, whose undo
            // pages SQLite spills to a temporary file past 64 KiB: keep them
            // in memory (a group's undo is a few hundred KiB at most).
            execOn(h, "PRAGMA temp_store=MEMORY");
        }
    } catch (const DbError& e) {
        sqlite3_close_v2(h);
        throw DbError(e.code(), "cannot set up database " + opts_.path + ": " + e.what());
    }
    return h;
}

Database::Database(Options opts, std::vector<Migration> migrations) : opts_(std::move(opts)) {
    static const std::set<std::string> syncModes = {"OFF", "NORMAL", "FULL", "EXTRA"};
    if (!syncModes.count(opts_.synchronous))
        throw std::invalid_argument("synchronous must be OFF, NORMAL, FULL or EXTRA");
    writer_ = std::make_unique<Connection>(openConnection(Role::Writer));
    execOn(writer_->handle(), "BEGIN IMMEDIATE");
    try {
        execOn(writer_->handle(), kCoreSchema);
        execOn(writer_->handle(), "COMMIT");
    } catch (...) {
        sqlite3_exec(writer_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    migrate(migrations);
    checkPrimaryKeys();
    if (opts_.captureChanges) capture_ = std::make_unique<ChangeCapture>(writer_->handle(), "replication_log");
    pipelinedSync_ = opts_.synchronous == "FULL";
    if (opts_.checkpointPages > 0)
        checkpointer_ = std::make_unique<Checkpointer>(writer_->handle(), openConnection(Role::Checkpointer),
                                                       opts_.checkpointPages);
    for (int i = 0; i < std::max(1, opts_.readers); ++i) {
        readers_.push_back(std::make_unique<Connection>(openConnection(Role::Reader)));
        freeReaders_.push_back(readers_.back().get());
    }
    writerThread_ = std::thread([this] { writerMain(); });
}

Database::~Database() {
    {
        std::lock_guard lock(groupMutex_);
        stopping_ = true;
    }
    writerCv_.notify_one();
    writerThread_.join();  // after the writes still queued
    if (walFd_ >= 0) ::close(walFd_);
    capture_.reset();       // these remove their hooks while the writer
    checkpointer_.reset();  // connection is still open
}

void Database::migrate(const std::vector<Migration>& migrations) {
    int current = 0;
    {
        auto st = writer_->prepare("SELECT coalesce(max(number), 0) FROM schema_migrations");
        if (st.step()) current = static_cast<int>(st.i64(0));
    }
    for (const auto& m : migrations) {
        if (m.number <= current) continue;
        execOn(writer_->handle(), "BEGIN IMMEDIATE");
        try {
            execOn(writer_->handle(), m.sql);
            writer_->prepare("INSERT INTO schema_migrations(number, name, applied_ms) VALUES(?,?,?)")
                .args(int64_t{m.number}, m.name, wallMs())
                .run();
            execOn(writer_->handle(), "COMMIT");
        } catch (const DbError& e) {
            sqlite3_exec(writer_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw DbError(e.code(), "migration " + m.name + " failed: " + e.what());
        }
    }
}

// The session extension captures only tables with a primary key; a table
// without one would silently never reach the standby, so refuse to start.
void Database::checkPrimaryKeys() {
    auto tables = writer_->prepare(
        "SELECT s.name FROM sqlite_schema AS s WHERE s.type = 'table' AND s.name NOT LIKE 'sqlite_%' "
        "AND NOT EXISTS (SELECT 1 FROM pragma_table_info(s.name) WHERE pk > 0)");
    if (tables.step())
        throw std::runtime_error("table '" + tables.str(0) +
                                 "' has no PRIMARY KEY; replication needs one on every table");
}

Database::Lease::Lease(Database& d) : db(d) {
    std::unique_lock lock(d.poolMutex_);
    d.poolCv_.wait(lock, [&] { return !d.freeReaders_.empty(); });
    conn = d.freeReaders_.back();
    d.freeReaders_.pop_back();
}

Database::Lease::~Lease() {
    {
        std::lock_guard lock(db.poolMutex_);
        db.freeReaders_.push_back(conn);
    }
    db.poolCv_.notify_one();
}

Database::Snapshot::Snapshot(Connection& c) : conn(c) { c.prepare("BEGIN").run(); }
Database::Snapshot::~Snapshot() { sqlite3_exec(conn.handle(), "COMMIT", nullptr, nullptr, nullptr); }

struct Database::Pending {
    const std::function<void(Tx&)>* fn = nullptr;
    std::atomic<bool> done{false};                    // set by the writer thread, last
    std::shared_ptr<std::counting_semaphore<>> wake;  // the calling thread's own (see write())
    uint64_t syncTicket = 0;                          // the first sync that began after the commit
    bool committed = false;
    std::exception_ptr error;
    std::vector<std::function<void()>> after;  // the tx's after-commit actions
};

namespace {

constexpr size_t kMaxGroup = 64;

// Writes the changeset of one write (exactly the rows it changed) into
// replication_log, in the same transaction.
void logChangeset(Connection& writer, const std::string& changeset) {
    if (changeset.empty()) return;  // nothing changed, or changed and changed back
    writer.prepare("INSERT INTO replication_log(committed_ms, changeset) VALUES(?, ?)")
        .bind(1, wallMs())
        .bindBlob(2, changeset)
        .run();
}

}  // namespace

// Runs group[start..] in one transaction; returns the index of the first
// member it did not run (group.size() unless SQLite rolled the whole
// transaction back, e.g. on a full disk: the rest then gets a new one).
size_t Database::runGroup(const std::vector<Pending*>& group, size_t start) {
    sqlite3* h = writer_->handle();
    try {
        writer_->prepare("BEGIN IMMEDIATE").run();
    } catch (...) {
        for (size_t i = start; i < group.size(); ++i) group[i]->error = std::current_exception();
        return group.size();
    }
    // A lone write is a plain transaction, exactly as without grouping.
    const bool alone = group.size() - start == 1;
    for (size_t i = start; i < group.size(); ++i) {
        Pending& p = *group[i];
        try {
            if (!alone) writer_->prepare("SAVEPOINT medbox_write").run();
            if (capture_) capture_->begin();
            Tx tx(*writer_);
            (*p.fn)(tx);
            if (capture_) logChangeset(*writer_, capture_->end());
            if (!alone) writer_->prepare("RELEASE medbox_write").run();
            p.after = std::move(tx.afterCommit_);
            p.committed = true;
        } catch (...) {
            p.error = std::current_exception();
            if (capture_) capture_->discard();
            if (sqlite3_get_autocommit(h)) {
                // SQLite already rolled the transaction back: the earlier
                // members' work is gone too, and they are told so.
                for (size_t j = start; j < i; ++j) {
                    if (!group[j]->committed) continue;
                    group[j]->committed = false;
                    group[j]->after.clear();
                    group[j]->error = p.error;
                }
                return i + 1;
            }
            if (alone) {
                sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
                return group.size();
            }
            // Undo this member only; the others' work stays.
            sqlite3_exec(h, "ROLLBACK TO medbox_write; RELEASE medbox_write", nullptr, nullptr, nullptr);
        }
    }
    try {
        writer_->prepare("COMMIT").run();
    } catch (...) {
        auto e = std::current_exception();
        if (!sqlite3_get_autocommit(h)) sqlite3_exec(h, "ROLLBACK", nullptr, nullptr, nullptr);
        for (size_t i = start; i < group.size(); ++i) {
            if (!group[i]->committed) continue;
            group[i]->committed = false;
            group[i]->after.clear();
            group[i]->error = e;
        }
    }
    return group.size();
}

uint64_t Database::syncTicket() {
    // A sync already running may have begun before now: the next one did not.
    return syncStarted_.load() + 1;
}

void Database::waitDurable() {
    if (pipelinedSync_) waitSynced(syncTicket());
}

void Database::waitSynced(uint64_t wanted) {
    std::unique_lock lock(syncMutex_);
    while (syncDone_ < wanted && syncFailure_.empty()) {
        if (syncing_) {
            syncCv_.wait(lock);
            continue;
        }
        // Nobody is syncing: this thread runs the next sync, for everyone.
        syncing_ = true;
        const uint64_t generation = ++syncStarted_;
        lock.unlock();
        std::string failure;
        if (walFd_ < 0) walFd_ = ::open((opts_.path + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
        if (walFd_ < 0) {
            failure = "cannot open " + opts_.path + "-wal: " + std::strerror(errno);
        } else if (::fdatasync(walFd_) != 0) {
            failure = "fdatasync of " + opts_.path + "-wal failed: " + std::strerror(errno);
        }
        lock.lock();
        syncing_ = false;
        if (failure.empty()) {
            syncDone_ = generation;
        } else {
            // After a failed fsync the kernel may have dropped the dirty
            // pages: nothing written since can be trusted to be on disk.
            syncFailure_ = failure;
            syncFailed_ = true;
            Poco::Logger::get("db").critical("%s; refusing further writes until restart", failure);
        }
        syncCv_.notify_all();
    }
    if (!syncFailure_.empty()) throw DbError(SQLITE_IOERR_FSYNC, "the change may not be on disk: " + syncFailure_);
}

uint64_t Database::durableSyncs() const {
    std::lock_guard lock(syncMutex_);
    return syncDone_;
}

Checkpointer::Stats Database::checkpoints() const {
    return checkpointer_ ? checkpointer_->stats() : Checkpointer::Stats{};
}

// The writer thread: takes whoever is waiting (in arrival order, up to
// kMaxGroup) and commits them together, then the next group. It never waits
// for the disk: each write syncs (or waits for a sync) in its own thread.
void Database::writerMain() {
    pthread_setname_np(pthread_self(), "db-writer");
    std::unique_lock lock(groupMutex_);
    while (true) {
        writerCv_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty()) return;  // stopping, and nothing left to write
        const size_t n = std::min(queue_.size(), kMaxGroup);
        std::vector<Pending*> group(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        lock.unlock();
        {
            std::lock_guard writeLock(writeMutex_);
            for (size_t start = 0; start < group.size();) start = runGroup(group, start);
        }
        const uint64_t ticket = pipelinedSync_ ? syncTicket() : 0;
        // Woken without groupMutex_ held: a member woken under it ran only
        // to block on the mutex again, at the cost of two switches of the
        // writer. Once `done` is set the member may return and its Pending
        // go away, so the semaphore is held by a copy.
        for (Pending* p : group) {
            p->syncTicket = ticket;
            auto wake = p->wake;
            p->done.store(true, std::memory_order_release);
            wake->release();
        }
        lock.lock();
    }
}

void Database::write(const std::function<void(Tx&)>& fn) {
    if (syncFailed_) {
        std::lock_guard lock(syncMutex_);
        throw DbError(SQLITE_IOERR_FSYNC, "writes are refused: " + syncFailure_);
    }
    // One semaphore per calling thread, kept across its writes. A release
    // left over from a write whose `done` was seen before waiting only makes
    // the next wait go round once more.
    thread_local const auto wake = std::make_shared<std::counting_semaphore<>>(0);
    Pending me;
    me.fn = &fn;
    me.wake = wake;
    {
        std::lock_guard lock(groupMutex_);
        if (stopping_) throw DbError(SQLITE_MISUSE, "the database is closing");
        queue_.push_back(&me);
        if (queue_.size() == 1) writerCv_.notify_one();  // otherwise the writer is awake already
    }
    while (!me.done.load(std::memory_order_acquire)) wake->acquire();
    if (me.error) std::rethrow_exception(me.error);
    // Committed; done once a sync that began after the commit has ended. If
    // that sync fails, the write is not known to be on disk: the caller gets
    // the error and its after-commit actions do not run.
    if (pipelinedSync_) waitSynced(me.syncTicket);
    // The transaction is committed: a failing follow-up (cache drop, outbox
    // wake, audit anchor) must not make the caller think it was not, or the
    // caller might repeat it. Say so once in the log and go on.
    for (auto& f : me.after) {
        try {
            f();
        } catch (const std::exception& e) {
            Poco::Logger::get("db").error("after-commit action failed (the transaction is committed): %s",
                                          std::string(e.what()));
        }
    }
}

std::vector<Database::LoggedChange> Database::changesSince(int64_t seq, int limit) {
    return read([&](Connection& c) {
        std::vector<LoggedChange> out;
        auto st = c.prepare(
            "SELECT seq, committed_ms, changeset FROM replication_log WHERE seq > ? ORDER BY seq LIMIT ?");
        st.args(seq, int64_t{limit});
        while (st.step()) out.push_back({st.i64(0), st.i64(1), st.blob(2)});
        return out;
    });
}

namespace {
int abortOnConflict(void*, int, sqlite3_changeset_iter*) { return SQLITE_CHANGESET_ABORT; }
}

void Database::applyChangeset(const std::string& changeset) {
    std::lock_guard lock(writeMutex_);
    int rc = sqlite3changeset_apply(writer_->handle(), static_cast<int>(changeset.size()),
                                    const_cast<char*>(changeset.data()), nullptr, abortOnConflict, nullptr);
    if (rc != SQLITE_OK) throw DbError(rc, "changeset does not apply cleanly: " + std::string(sqlite3_errstr(rc)));
}

std::string Database::integrityCheck() {
    return read([](Connection& c) {
        std::string out;
        auto st = c.prepare("PRAGMA integrity_check");
        while (st.step()) out += (out.empty() ? "" : "\n") + st.str(0);
        return out;
    });
}

int Database::schemaVersion() {
    return read([](Connection& c) {
        auto st = c.prepare("SELECT coalesce(max(number), 0) FROM schema_migrations");
        return st.step() ? static_cast<int>(st.i64(0)) : 0;
    });
}

}  // namespace medbox::db
