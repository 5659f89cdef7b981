// ChangeCapture must produce what SQLite's session extension produces. The
// same random writes run on two identical databases, one captured by a
// session, one by ChangeCapture; their changesets must hold the same changes
// (same tables, operations, indirect flags, old and new values), and applying
// ChangeCapture's changesets to a third database must rebuild the first.
#include "core/db/ChangeCapture.h"
#include "core/testing/TempDir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace medbox;
using namespace medbox::db;

namespace {

const char* kSchema = R"SQL(
CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, n INTEGER CHECK (n IS NULL OR n < 12));
CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE, note TEXT);
CREATE TABLE pair(k1 TEXT NOT NULL, k2 INTEGER NOT NULL, v TEXT, PRIMARY KEY (k2, k1));
CREATE TABLE kv(k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
CREATE TABLE skipped(id INTEGER PRIMARY KEY, x INTEGER);
CREATE TABLE nokey(x INTEGER);
)SQL";

sqlite3* open(const std::string& path) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;", nullptr, nullptr, nullptr);
    return db;
}

void exec(sqlite3* db, const std::string& sql, bool mayFail = false) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK && !mayFail) ADD_FAILURE() << sql << ": " << (err ? err : "?");
    sqlite3_free(err);
}

std::string valueText(sqlite3_value* v) {
    if (!v) return "undefined";
    switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER: return "i" + std::to_string(sqlite3_value_int64(v));
        case SQLITE_FLOAT: return "f" + std::to_string(sqlite3_value_double(v));
        case SQLITE_TEXT:
            return "t" + std::string(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                                     static_cast<size_t>(sqlite3_value_bytes(v)));
        case SQLITE_BLOB:
            return "b" + std::string(static_cast<const char*>(sqlite3_value_blob(v)),
                                     static_cast<size_t>(sqlite3_value_bytes(v)));
        default: return "null";
    }
}

// The changes of a changeset as sorted text lines (order within a changeset is free).
std::vector<std::string> changes(const std::string& cs) {
    std::vector<std::string> out;
    if (cs.empty()) return out;
    sqlite3_changeset_iter* it = nullptr;
    EXPECT_EQ(sqlite3changeset_start(&it, static_cast<int>(cs.size()), const_cast<char*>(cs.data())), SQLITE_OK);
    while (sqlite3changeset_next(it) == SQLITE_ROW) {
        const char* table;
        int ncol, op, indirect;
        sqlite3changeset_op(it, &table, &ncol, &op, &indirect);
        unsigned char* pk = nullptr;
        int npk = 0;
        sqlite3changeset_pk(it, &pk, &npk);
        std::string line = std::string(table) + " op" + std::to_string(op) + " ind" + std::to_string(indirect) + " pk";
        for (int i = 0; i < npk; ++i) line += std::to_string(pk[i]);
        for (int i = 0; i < ncol; ++i) {
            sqlite3_value* v = nullptr;
            if (op != SQLITE_INSERT) {
                sqlite3changeset_old(it, i, &v);
                line += " o:" + valueText(v);
            }
            v = nullptr;
            if (op != SQLITE_DELETE) {
                sqlite3changeset_new(it, i, &v);
                line += " n:" + valueText(v);
            }
        }
        out.push_back(line);
    }
    EXPECT_EQ(sqlite3changeset_finalize(it), SQLITE_OK);
    std::sort(out.begin(), out.end());
    return out;
}

std::string dump(sqlite3* db) {
    std::string out;
    for (const char* q : {"SELECT id, name, score, hex(data), n FROM parent ORDER BY id",
                          "SELECT id, parent_id, note FROM child ORDER BY id",
                          "SELECT k1, k2, v FROM pair ORDER BY k1, k2", "SELECT k, v FROM kv ORDER BY k"}) {
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, q, -1, &st, nullptr);
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(st); ++i) out += valueText(sqlite3_column_value(st, i)) + "|";
            out += "\n";
        }
        sqlite3_finalize(st);
        out += "--\n";
    }
    return out;
}

int skipReplicationLike(void*, const char* table) { return std::string(table) != "skipped"; }

// A random statement; some fail half-way (a duplicate key, the CHECK on n):
// SQLite then rolls back that statement only. (No UNIQUE besides the keys:
// a changeset replays in no particular order, so two rows swapping a unique
// value conflict on apply, whoever made the changeset.)
std::string randomStatement(std::mt19937& rng) {
    auto r = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    const int id = r(30) + 1;
    const std::string name = "'n" + std::to_string(r(40)) + "'";
    switch (r(16)) {
        case 0:
            return "INSERT INTO parent(id, name, score, data, n) VALUES(" + std::to_string(id) + ", " + name + ", " +
                   std::to_string(r(100)) + ".5, x'0a0b" + std::to_string(r(10)) + "0', " +
                   (r(3) ? std::to_string(r(9)) : "NULL") + ")";
        case 1: return "INSERT INTO parent(name, n) VALUES(" + name + ", " + std::to_string(r(9)) + ")";
        case 2:
            return "UPDATE parent SET n = coalesce(n, 0) + 1, score = score * 2 WHERE id % 3 = " + std::to_string(r(3));
        case 3: return "UPDATE parent SET name = " + name + " WHERE id = " + std::to_string(id);
        case 4: return "DELETE FROM parent WHERE id = " + std::to_string(id);
        case 5: return "UPDATE parent SET id = " + std::to_string(id + 40) + " WHERE id = " + std::to_string(id);
        case 6:
            return "INSERT INTO child(parent_id, note) SELECT id, 'c' || id FROM parent WHERE id % 5 = " +
                   std::to_string(r(5));
        case 7: return "UPDATE child SET note = note || 'x' WHERE id % 4 = " + std::to_string(r(4));
        case 8:
            return "INSERT OR REPLACE INTO pair(k1, k2, v) VALUES('a" + std::to_string(r(5)) + "', " +
                   std::to_string(r(5)) + ", 'v" + std::to_string(r(9)) + "')";
        case 9: return "DELETE FROM pair WHERE k2 = " + std::to_string(r(5));
        case 10: return "UPDATE pair SET v = NULL WHERE k1 = 'a" + std::to_string(r(5)) + "'";
        case 11:
            return "INSERT INTO kv(k, v) VALUES('k" + std::to_string(r(12)) + "', " + std::to_string(r(100)) +
                   ")";  // may break the key
        case 12: return "UPDATE kv SET v = v + 1 WHERE k < 'k5'";
        case 13: return "DELETE FROM kv WHERE v % 2 = 1";
        case 14: return "INSERT INTO skipped(x) VALUES(1); INSERT INTO nokey(x) VALUES(2)";
        default: return "UPDATE parent SET n = n WHERE id = " + std::to_string(id);  // changes nothing
    }
}

}  // namespace

TEST(ChangeCaptureTest, MatchesTheSessionExtension) {
    testutil::TempDir dir;
    sqlite3* a = open(dir.file("a.db"));  // ChangeCapture
    sqlite3* b = open(dir.file("b.db"));  // session extension
    sqlite3* replica = open(dir.file("r.db"));
    for (sqlite3* db : {a, b, replica}) exec(db, kSchema);
    // The changesets hold the rows a cascade deleted: the replica must not cascade again.
    exec(replica, "PRAGMA foreign_keys=OFF");
    auto owned = std::make_unique<ChangeCapture>(a, "skipped");
    ChangeCapture& capture = *owned;

    std::mt19937 rng(20260105);
    int nonEmpty = 0;
    for (int w = 0; w < 300; ++w) {
        std::vector<std::string> script;
        const int n = 1 + static_cast<int>(rng() % 6);
        for (int i = 0; i < n; ++i) script.push_back(randomStatement(rng));
        const bool savepoint = rng() % 4 == 0;
        const size_t undoFrom = savepoint ? rng() % script.size() : script.size();

        exec(a, "BEGIN");
        exec(b, "BEGIN");
        capture.begin();
        sqlite3_session* s = nullptr;
        ASSERT_EQ(sqlite3session_create(b, "main", &s), SQLITE_OK);
        sqlite3session_table_filter(s, skipReplicationLike, nullptr);
        ASSERT_EQ(sqlite3session_attach(s, nullptr), SQLITE_OK);
        for (size_t i = 0; i < script.size(); ++i) {
            if (i == undoFrom) {
                exec(a, "SAVEPOINT sp");
                exec(b, "SAVEPOINT sp");
            }
            exec(a, script[i], true);
            exec(b, script[i], true);
        }
        if (undoFrom < script.size()) {
            exec(a, "ROLLBACK TO sp; RELEASE sp");
            exec(b, "ROLLBACK TO sp; RELEASE sp");
        }
        const std::string ours = capture.end();
        int size = 0;
        void* buf = nullptr;
        ASSERT_EQ(sqlite3session_changeset(s, &size, &buf), SQLITE_OK);
        const std::string theirs(static_cast<const char*>(buf), static_cast<size_t>(size));
        sqlite3_free(buf);
        sqlite3session_delete(s);
        exec(a, "COMMIT");
        exec(b, "COMMIT");

        ASSERT_EQ(dump(a), dump(b)) << "the two databases diverged at write " << w;
        EXPECT_EQ(changes(ours), changes(theirs)) << "write " << w;
        if (!ours.empty()) {
            ++nonEmpty;
            int rc = sqlite3changeset_apply(
                replica, static_cast<int>(ours.size()), const_cast<char*>(ours.data()), nullptr,
                [](void*, int, sqlite3_changeset_iter*) { return SQLITE_CHANGESET_ABORT; }, nullptr);
            ASSERT_EQ(rc, SQLITE_OK) << "write " << w << ": " << sqlite3_errmsg(replica);
        }
        ASSERT_EQ(dump(replica), dump(a)) << "the replica diverged at write " << w;
    }
    EXPECT_GT(nonEmpty, 150);
    // Not capturing: changes outside begin()/end() are not recorded.
    exec(a, "INSERT INTO kv(k, v) VALUES('outside', 1)");
    capture.begin();
    EXPECT_EQ(capture.end(), "");
    owned.reset();  // finalises its statements before the connection closes
    sqlite3_close(a);
    sqlite3_close(b);
    sqlite3_close(replica);
}
