#include "core/db/Database.h"
#include "core/testing/TempDir.h"

#include <Poco/File.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace medbox;
using namespace medbox::db;

namespace {

std::vector<Migration> schema() {
    return {{1, "0001_create_items.sql",
             "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, qty INTEGER NOT NULL);"},
            {2, "0002_add_note.sql", "ALTER TABLE item ADD COLUMN note TEXT;"}};
}

Options optionsAt(const testutil::TempDir& dir, const std::string& synchronous) {
    Options o;
    o.path = dir.file("t.db");
    o.synchronous = synchronous;
    return o;
}

// A one-row counter table for the concurrency and durability tests.
void addCounter(Database& db) {
    db.write([](Tx& tx) { tx.prepare("INSERT INTO item(name, qty) VALUES('c', 0)").run(); });
}
void increment(Database& db) {
    db.write([](Tx& tx) { tx.prepare("UPDATE item SET qty = qty + 1 WHERE name = 'c'").run(); });
}

int64_t count(Database& db, const std::string& table) {
    return db.read([&](Connection& c) {
        auto st = c.prepare("SELECT count(*) FROM " + table);
        st.step();
        return st.i64(0);
    });
}

// Applies every logged changeset, in order, to a fresh database made from the
// same migrations: the replica must equal the primary.
std::vector<std::tuple<int64_t, std::string, int64_t>> rowsOf(Database& db) {
    return db.read([](Connection& c) {
        std::vector<std::tuple<int64_t, std::string, int64_t>> out;
        auto st = c.prepare("SELECT id, name, qty FROM item ORDER BY id");
        while (st.step()) out.emplace_back(st.i64(0), st.str(1), st.i64(2));
        return out;
    });
}

}  // namespace

TEST(DatabaseTest, AppliesMigrationsInOrderOnce) {
    testutil::TempDir dir;
    Options o;
    o.path = dir.file("t.db");
    {
        Database db(o, schema());
        EXPECT_EQ(db.schemaVersion(), 2);
        db.write([](Tx& tx) { tx.prepare("INSERT INTO item(name, qty, note) VALUES('a', 1, 'n')").run(); });
    }
    Database again(o, schema());  // reopening must not re-run migration 2 (ALTER would fail)
    EXPECT_EQ(again.schemaVersion(), 2);
    EXPECT_EQ(count(again, "item"), 1);
    EXPECT_EQ(again.integrityCheck(), "ok");
}

TEST(DatabaseTest, RefusesTableWithoutPrimaryKey) {
    testutil::TempDir dir;
    Options o;
    o.path = dir.file("t.db");
    try {
        Database db(o, {{1, "0001_create_bad.sql", "CREATE TABLE bad(x TEXT);"}});
        FAIL() << "opened a schema with a table that replication cannot capture";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("table 'bad' has no PRIMARY KEY"), std::string::npos) << e.what();
    }
}

TEST(DatabaseTest, FailedMigrationLeavesNothingBehind) {
    testutil::TempDir dir;
    Options o;
    o.path = dir.file("t.db");
    std::vector<Migration> m = {
        {1, "0001_create_items.sql", "CREATE TABLE a(id INTEGER PRIMARY KEY); CREATE TABLE oops(;"}};
    EXPECT_THROW(Database(o, m), DbError);
    Database db(o, {});
    EXPECT_EQ(db.schemaVersion(), 0);
    EXPECT_EQ(db.read([](Connection& c) {
        auto st = c.prepare("SELECT count(*) FROM sqlite_schema WHERE name='a'");
        st.step();
        return st.i64(0);
    }),
              0);
}

TEST(DatabaseTest, ReplicationLogHoldsExactlyTheCommittedChanges) {
    testutil::TempDir dir;
    Options o;
    o.path = dir.file("primary.db");
    Database primary(o, schema());

    primary.write([](Tx& tx) {
        tx.prepare("INSERT INTO item(name, qty) VALUES(?, ?)").args("apple", 3).run();
        tx.prepare("INSERT INTO item(name, qty) VALUES(?, ?)").args("pear", 5).run();
    });
    // A transaction that fails half-way is rolled back and must leave no log entry.
    EXPECT_THROW(primary.write([](Tx& tx) {
        tx.prepare("UPDATE item SET qty = 99 WHERE name = 'apple'").run();
        throw std::runtime_error("business rule says no");
    }),
                 std::runtime_error);
    // A constraint violation rolls back too.
    EXPECT_THROW(primary.write([](Tx& tx) {
        tx.prepare("UPDATE item SET qty = 42 WHERE name = 'pear'").run();
        tx.prepare("INSERT INTO item(name, qty) VALUES('apple', 1)").run();
    }),
                 DbError);
    primary.write([](Tx& tx) {
        tx.prepare("UPDATE item SET qty = qty - 1 WHERE name = 'apple'").run();
        tx.prepare("DELETE FROM item WHERE name = 'pear'").run();
    });
    // A transaction that changes nothing logs nothing.
    primary.write([](Tx& tx) { tx.prepare("UPDATE item SET qty = 0 WHERE name = 'nobody'").run(); });

    auto log = primary.changesSince(0, 100);
    ASSERT_EQ(log.size(), 2u);
    EXPECT_LT(log[0].seq, log[1].seq);

    Options ro;
    ro.path = dir.file("replica.db");
    Database replica(ro, schema());
    for (const auto& ch : log) replica.applyChangeset(ch.changeset);
    EXPECT_EQ(rowsOf(replica), rowsOf(primary));
    ASSERT_EQ(rowsOf(replica).size(), 1u);
    EXPECT_EQ(std::get<2>(rowsOf(replica)[0]), 2);  // 3 - 1; the rolled-back 99 never reached the log

    // Inspect the changesets themselves: first is two inserts, second an update and a delete.
    auto ops = [](const std::string& cs) {
        std::vector<int> out;
        sqlite3_changeset_iter* it = nullptr;
        sqlite3changeset_start(&it, static_cast<int>(cs.size()), const_cast<char*>(cs.data()));
        while (sqlite3changeset_next(it) == SQLITE_ROW) {
            const char* table;
            int ncol, op, indirect;
            sqlite3changeset_op(it, &table, &ncol, &op, &indirect);
            EXPECT_STREQ(table, "item");
            out.push_back(op);
        }
        sqlite3changeset_finalize(it);
        return out;
    };
    EXPECT_EQ(ops(log[0].changeset), (std::vector<int>{SQLITE_INSERT, SQLITE_INSERT}));
    auto second = ops(log[1].changeset);
    std::sort(second.begin(), second.end());
    EXPECT_EQ(second, (std::vector<int>{SQLITE_DELETE, SQLITE_UPDATE}));
}

TEST(DatabaseTest, AfterCommitRunsOnlyOnCommit) {
    testutil::TempDir dir;
    Options o;
    o.path = dir.file("t.db");
    Database db(o, schema());
    int ran = 0;
    db.write([&](Tx& tx) {
        tx.prepare("INSERT INTO item(name, qty) VALUES('a', 1)").run();
        tx.afterCommit([&] { ++ran; });
    });
    EXPECT_THROW(db.write([&](Tx& tx) {
        tx.afterCommit([&] { ++ran; });
        throw std::runtime_error("no");
    }),
                 std::runtime_error);
    EXPECT_EQ(ran, 1);
}

TEST(DatabaseTest, ConcurrentWritersNeverLoseAnIncrement) {
    testutil::TempDir dir;
    Database db(optionsAt(dir, "NORMAL"), schema());
    addCounter(db);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) increment(db);
        });
    std::atomic<bool> stop{false};
    std::thread reader([&] {
        while (!stop) EXPECT_GE(count(db, "item"), 1);
    });
    for (auto& t : threads) t.join();
    stop = true;
    reader.join();
    EXPECT_EQ(std::get<2>(rowsOf(db)[0]), 200);
    EXPECT_EQ(db.changesSince(0, 1000).size(), 201u);
}

TEST(DatabaseTest, ReadOnlyFolderGivesAClearError) {
    if (::geteuid() == 0)
        GTEST_SKIP()
            << "root ignores folder permissions; tests/api/storage_failures.test.mjs covers it with a read-only mount";
    testutil::TempDir dir;
    Poco::File(dir.path()).setWriteable(false);
    Options o;
    o.path = dir.file("t.db");
    try {
        Database db(o, schema());
        FAIL() << "opened a database in a read-only folder";
    } catch (const DbError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot open database"), std::string::npos) << e.what();
    }
}

TEST(MigrationsTest, ParsesNamesAndRejectsBadOnes) {
    std::vector<resources::Resource> files = {{"migrations/0002_add_x.sql", "B"},
                                              {"migrations/0001_create_x.sql", "A"},
                                              {"web/index.html", "x"}};
    auto m = migrationsFrom(files);
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].number, 1);
    EXPECT_EQ(m[1].sql, "B");
    EXPECT_THROW(migrationsFrom({{"migrations/12_x.sql", ""}}), std::runtime_error);
    EXPECT_THROW(migrationsFrom({{"migrations/0001_a.sql", ""}, {"migrations/0001_b.sql", ""}}), std::runtime_error);
}

TEST(DatabaseTest, AFailingAfterCommitActionDoesNotUndoOrHideTheCommit) {
    testutil::TempDir dir;
    Options o;
    o.path = dir.file("t.db");
    Database db(o, schema());
    bool second = false;
    EXPECT_NO_THROW(db.write([&](Tx& tx) {
        tx.prepare("INSERT INTO item(name, qty) VALUES('x', 1)").run();
        tx.afterCommit([] { throw std::runtime_error("cache gone"); });
        tx.afterCommit([&] { second = true; });
    }));
    EXPECT_TRUE(second);
    EXPECT_EQ(count(db, "item"), 1);
}

// Group commit: writes that arrive while another commits run together in one
// transaction (one fsync), each in its own savepoint. A member that throws is
// rolled back alone; every committed member logs its own changeset; after-
// commit actions run for the committed ones only.
TEST(DatabaseTest, GroupCommitKeepsEachWriteAllOrNothing) {
    testutil::TempDir dir;
    Options o;
    o.path = dir.file("primary.db");
    Database db(o, schema());
    db.write([](Tx& tx) { tx.prepare("INSERT INTO item(name, qty) VALUES('counter', 0)").run(); });

    bool grouped = false;
    int committedWrites = 1;
    for (int attempt = 0; attempt < 5 && !grouped; ++attempt) {
        std::mutex m;
        std::condition_variable cv;
        bool release = false;
        std::atomic<int> waiting{0};
        // The first writer holds the writer until the others are queued behind it.
        std::thread first([&] {
            db.write([&](Tx& tx) {
                tx.prepare("UPDATE item SET qty = qty + 1 WHERE name = 'counter'").run();
                std::unique_lock lock(m);
                cv.wait(lock, [&] { return release; });
            });
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the first one is inside its transaction
        std::vector<std::thread::id> ranOn(4);
        std::vector<int> afterRan(4, 0);
        std::vector<bool> threw(4, false);
        std::vector<std::thread> others;
        for (int k = 0; k < 4; ++k) {
            others.emplace_back([&, k] {
                ++waiting;
                try {
                    db.write([&, k](Tx& tx) {
                        ranOn[k] = std::this_thread::get_id();
                        tx.prepare("UPDATE item SET qty = qty + 1 WHERE name = 'counter'").run();
                        tx.prepare("INSERT INTO item(name, qty) VALUES(?, ?)")
                            .args("w" + std::to_string(attempt) + "-" + std::to_string(k), k)
                            .run();
                        tx.afterCommit([&afterRan, k] { ++afterRan[k]; });
                        if (k == 1) throw std::runtime_error("business rule says no");
                        // k == 2 breaks a constraint after changing a row: only its own changes go.
                        if (k == 2) tx.prepare("INSERT INTO item(name, qty) VALUES('counter', 1)").run();
                    });
                } catch (const std::exception&) {
                    threw[k] = true;
                }
            });
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let them queue behind the first
        {
            std::lock_guard lock(m);
            release = true;
        }
        cv.notify_all();
        first.join();
        for (auto& t : others) t.join();
        committedWrites += 3;  // first, k=0, k=3
        EXPECT_EQ(threw, (std::vector<bool>{false, true, true, false}));
        EXPECT_EQ(afterRan, (std::vector<int>{1, 0, 0, 1}));
        grouped = ranOn[0] == ranOn[1] && ranOn[1] == ranOn[2] && ranOn[2] == ranOn[3];
    }
    EXPECT_TRUE(grouped) << "writes queued behind a running one were never committed as a group";

    // Each committed write has exactly its own entry; replaying them rebuilds the primary.
    auto log = db.changesSince(0, 1000);
    EXPECT_EQ(static_cast<int>(log.size()), committedWrites);
    Options ro;
    ro.path = dir.file("replica.db");
    Database replica(ro, schema());
    for (const auto& ch : log) replica.applyChangeset(ch.changeset);
    EXPECT_EQ(rowsOf(replica), rowsOf(db));
    const auto rows = rowsOf(db);
    EXPECT_EQ(std::get<2>(rows[0]), committedWrites - 1);  // the counter: one increment per committed write
    for (const auto& r : rows) {
        const std::string& name = std::get<1>(r);
        EXPECT_TRUE(name == "counter" || name.ends_with("-0") || name.ends_with("-3")) << name;
    }
}

// synchronous=FULL: the writer commits without fsync and the WAL is synced
// by the pipelined sync; every write returns only after a sync that began
// after its commit. (That concurrent writes share syncs depends on timing;
// the benchmark shows it, this test only bounds it.)
TEST(DatabaseTest, PipelinedSyncSyncsTheWalBeforeEveryWriteReturns) {
    testutil::TempDir dir;
    Database db(optionsAt(dir, "FULL"), schema());  // FULL is the default
    addCounter(db);
    for (int i = 0; i < 5; ++i) {
        const uint64_t before = db.durableSyncs();
        increment(db);
        EXPECT_GT(db.durableSyncs(), before) << "write " << i << " returned without a sync of the WAL";
    }
    const uint64_t before = db.durableSyncs();
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 40; ++i) increment(db);
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::get<2>(rowsOf(db)[0]), 5 + 8 * 40);
    const uint64_t syncs = db.durableSyncs() - before;
    EXPECT_GE(syncs, 1u);
    EXPECT_LE(syncs, 320u);
    // Nothing is pending: a barrier returns at once, with one more sync.
    db.waitDurable();
    EXPECT_EQ(db.integrityCheck(), "ok");
}

// The WAL is checkpointed by the Checkpointer's thread, not inside the
// writer's COMMIT, and still starts over instead of growing with every write.
TEST(DatabaseTest, CheckpointsRunBesideTheWriterAndKeepTheWalSmall) {
    testutil::TempDir dir;
    Options o = optionsAt(dir, "FULL");
    o.checkpointPages = 100;
    Database db(o, schema());
    const std::string filler(3000, 'x');  // about a page a row
    for (int i = 0; i < 2000; ++i) {
        db.write([&](Tx& tx) {
            tx.prepare("INSERT INTO item(name, qty, note) VALUES(?, ?, ?)")
                .args("n" + std::to_string(i), int64_t{i}, filler)
                .run();
        });
    }
    EXPECT_EQ(count(db, "item"), 2000);
    const auto stats = db.checkpoints();
    EXPECT_GT(stats.passes, 0u) << "the checkpoint thread never ran";
    EXPECT_EQ(stats.failures, 0u);
    // Without checkpoints the WAL would now hold every page written (over
    // 2,000); the writer's inline fallback starts at 8 x 100 pages.
    const auto walBytes = Poco::File(o.path + "-wal").getSize();
    EXPECT_LT(walBytes, 900u * 4120u) << "the WAL grew to " << walBytes << " bytes";
}

// A long read pins the WAL (no checkpoint may copy past what it reads), so
// the WAL outgrows 8 x checkpointPages and the writer checkpoints inline
// after its commits, as SQLite would.
TEST(DatabaseTest, APinnedWalMakesTheWriterCheckpointInline) {
    testutil::TempDir dir;
    Options o = optionsAt(dir, "NORMAL");
    o.checkpointPages = 20;  // inline from 160 pages on
    Database db(o, schema());
    const std::string filler(3000, 'x');
    auto insert = [&](int i) {
        db.write([&](Tx& tx) {
            tx.prepare("INSERT INTO item(name, qty, note) VALUES(?, ?, ?)")
                .args("n" + std::to_string(i), int64_t{i}, filler)
                .run();
        });
    };
    insert(0);
    std::mutex m;
    std::condition_variable cv;
    bool reading = false, done = false;
    std::thread reader([&] {
        db.read([&](Connection& c) {
            auto st = c.prepare("SELECT count(*) FROM item");
            st.step();  // the snapshot is taken: its WAL pages must stay
            std::unique_lock lock(m);
            reading = true;
            cv.notify_all();
            cv.wait(lock, [&] { return done; });
            return st.i64(0);
        });
    });
    {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return reading; });
    }
    for (int i = 1; i <= 300; ++i) insert(i);
    EXPECT_GT(db.checkpoints().inlinePasses, 0u) << "the WAL passed the inline limit and the writer never checkpointed";
    {
        std::lock_guard lock(m);
        done = true;
    }
    cv.notify_all();
    reader.join();
    EXPECT_EQ(count(db, "item"), 301);
    EXPECT_EQ(db.checkpoints().failures, 0u);
}

TEST(DatabaseTest, WithoutFullSynchronousThereIsNoPipelinedSync) {
    testutil::TempDir dir;
    Database db(optionsAt(dir, "NORMAL"), schema());
    addCounter(db);
    db.waitDurable();
    EXPECT_EQ(db.durableSyncs(), 0u);
}
