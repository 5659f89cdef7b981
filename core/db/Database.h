#pragma once
// SQLite access for one service's own database: WAL mode, foreign keys on,
// numbered migrations applied at open, one writer connection used by one
// writer thread (SQLite has one writer anyway), a pool of readers, and a
// thread that checkpoints the WAL beside the writer (db/Checkpointer.h).
//
// Every write goes through write(): BEGIN IMMEDIATE, the caller's work, then
// the replication capture (ChangeCapture, same changesets as SQLite's session
// extension) records the changeset
// of exactly what is being committed into `replication_log` inside the same
// transaction, then COMMIT. A rollback leaves no trace in the log. The HA
// standby replays that log (appliance/ha). See docs/data-layer.md.
//
// Owned by the service context for the process lifetime; read()/write() may be
// called from any thread.
#include "core/db/Checkpointer.h"
#include "core/db/Statement.h"
#include "core/util/Resources.h"
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct sqlite3;

namespace medbox::db {

class ChangeCapture;

struct Migration {
    int number;        // from the file name: 0001_create_schema.sql -> 1
    std::string name;  // file name
    std::string sql;
};

// Picks the embedded resources named "migrations/NNNN_verb_noun.sql", in order.
// Throws on a badly named file or a repeated number.
std::vector<Migration> migrationsFrom(const std::vector<resources::Resource>& files);

struct Options {
    std::string path;  // file path; the folder must exist
    int readers = 4;
    std::string synchronous = "FULL";  // FULL: durable on power loss; NORMAL: WAL default
    int busyTimeoutMs = 5000;
    bool captureChanges = true;  // replication capture on write()
    // WAL pages after which a thread of its own checkpoints (db/Checkpointer.h);
    // 0: SQLite's automatic checkpoint, inside the writer's COMMIT.
    int checkpointPages = 1000;
};

class Connection {
public:
    explicit Connection(sqlite3* db) : db_(db) {}
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    // Prepared statements are cached per connection by SQL text.
    Statement prepare(const std::string& sql);
    void exec(const std::string& sql);  // one or more statements, no results
    int64_t lastInsertId() const;
    int changes() const;
    sqlite3* handle() const { return db_; }

private:
    sqlite3* db_;
    std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

class Tx;

class Database {
public:
    explicit Database(Options opts, std::vector<Migration> migrations);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs fn on a reader connection (a consistent snapshot for its duration).
    template <class F>
    auto read(F&& fn) {
        Lease lease(*this);
        Snapshot snapshot(*lease.conn);
        return fn(*lease.conn);
    }

    // Runs fn inside BEGIN IMMEDIATE ... COMMIT on the writer. An exception
    // from fn rolls back and propagates. After commit, the tx's after-commit
    // actions run (outside the lock order of the caller's work).
    //
    // Group commit: a thread of the Database's own runs every write. Calls
    // that arrive while it commits wait and then run together, one after
    // the other, each inside its own SAVEPOINT of one transaction, and share
    // its COMMIT (and so its fsync). Each call still returns only after that
    // COMMIT, is rolled back alone when its fn throws, and logs its own
    // changeset; a lone call runs exactly as a plain BEGIN ... COMMIT. fn
    // runs on that thread, not the caller's.
    //
    // Pipelined sync (synchronous=FULL, the default): the writer commits
    // without waiting for the disk, and each caller then fdatasyncs the WAL
    // (or waits for a sync another caller runs) in its own thread while the
    // writer already runs the next group. write() returns only after a sync
    // that began after its COMMIT: as durable as SQLite's own FULL, but the
    // fsync no longer stalls the single writer. Readers may see a commit a
    // few milliseconds before it is durable; anything that tells the outside
    // world about what it read (the outbox) calls waitDurable() first.
    // docs/data-layer.md.
    void write(const std::function<void(Tx&)>& fn);

    // Returns once everything committed before the call is on disk (no-op
    // unless synchronous is FULL). Throws DbError if the WAL could not be
    // synced; from then on every write fails too.
    void waitDurable();
    // WAL syncs done by the pipelined sync so far (tests, metrics).
    uint64_t durableSyncs() const;
    // Checkpoints so far (all zero with checkpointPages = 0).
    Checkpointer::Stats checkpoints() const;

    // Changes in the replication log after seq (for the standby and tests).
    struct LoggedChange {
        int64_t seq;
        int64_t committedAtMs;
        std::string changeset;
    };
    std::vector<LoggedChange> changesSince(int64_t seq, int limit);
    // Applies a changeset captured on another node (standby side).
    void applyChangeset(const std::string& changeset);

    // "ok" or SQLite's list of problems.
    std::string integrityCheck();
    int schemaVersion();
    const std::string& path() const { return opts_.path; }

private:
    struct Lease {
        explicit Lease(Database& d);
        ~Lease();
        Database& db;
        Connection* conn;
    };
    // BEGIN ... COMMIT around a read, so all its queries see one snapshot.
    struct Snapshot {
        explicit Snapshot(Connection& c);
        ~Snapshot();
        Connection& conn;
    };
    enum class Role { Writer, Reader, Checkpointer };
    sqlite3* openConnection(Role role);
    void migrate(const std::vector<Migration>& migrations);
    void checkPrimaryKeys();

    // One write() waiting for, or taking part in, a group commit.
    struct Pending;
    void writerMain();
    size_t runGroup(const std::vector<Pending*>& group, size_t start);
    uint64_t syncTicket();  // the generation of the first sync to begin from now on
    void waitSynced(uint64_t generation);

    Options opts_;
    std::mutex groupMutex_;             // guards queue_ and stopping_
    std::condition_variable writerCv_;  // queue_ is no longer empty, or stopping_
    std::vector<Pending*> queue_;       // waiting, in arrival order
    bool stopping_ = false;
    std::thread writerThread_;  // writerMain()
    std::mutex writeMutex_;
    std::unique_ptr<Connection> writer_;
    // Pipelined sync: one fdatasync of the WAL at a time; generations count
    // syncs started and finished, so "a sync that began after now" is
    // syncStarted_ + 1 at the time of asking. walFd_ is used only by the
    // thread that is syncing. syncStarted_ and syncFailed_ are changed under
    // syncMutex_ but read without it: the writer asks for a ticket after
    // every group, and a lock held by a worker waiting for a core stalled it.
    bool pipelinedSync_ = false;
    int walFd_ = -1;
    mutable std::mutex syncMutex_;
    std::condition_variable syncCv_;
    bool syncing_ = false;
    std::atomic<uint64_t> syncStarted_{0};
    uint64_t syncDone_ = 0;
    std::atomic<bool> syncFailed_{false};
    std::string syncFailure_;                     // set once an fdatasync failed, with syncFailed_
    std::unique_ptr<ChangeCapture> capture_;      // on the writer, when opts_.captureChanges
    std::unique_ptr<Checkpointer> checkpointer_;  // when opts_.checkpointPages > 0
    std::vector<std::unique_ptr<Connection>> readers_;
    std::vector<Connection*> freeReaders_;
    std::mutex poolMutex_;
    std::condition_variable poolCv_;
};

// A write transaction in progress. Lives inside Database::write().
class Tx {
public:
    explicit Tx(Connection& c) : conn_(c) {}
    Connection& conn() { return conn_; }
    Statement prepare(const std::string& sql) { return conn_.prepare(sql); }
    void exec(const std::string& sql) { conn_.exec(sql); }
    int64_t lastInsertId() const { return conn_.lastInsertId(); }
    int changes() const { return conn_.changes(); }
    // Runs after a successful COMMIT (e.g. wake the outbox, drop a cache).
    void afterCommit(std::function<void()> fn) { afterCommit_.push_back(std::move(fn)); }

private:
    Connection& conn_;
    std::vector<std::function<void()>> afterCommit_;
    friend class Database;
};

}  // namespace medbox::db
