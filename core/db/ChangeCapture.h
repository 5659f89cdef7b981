#pragma once
// Replication capture for Database::write(): records which rows one write
// changes (SQLite's pre-update hook) and renders exactly what changed as an
// SQLite changeset, byte-compatible with the session extension's
// sqlite3session_changeset(), so sqlite3changeset_apply() replays it on the
// standby (docs/data-layer.md).
//
// Same algorithm as the session extension: the first change to a row keeps
// the row's original values; at the end each touched row is read back by its
// primary key, and the net change (INSERT, UPDATE of the changed columns,
// DELETE, or nothing) is written out. So statements or savepoints rolled back
// inside the write leave no trace. What the extension redoes for every
// session -- PRAGMA table_info and a freshly prepared SELECT per table, twice
// per write -- is done once per connection here: the extension's bookkeeping
// was more than half of the instructions of a booking.
//
// Used by one writer connection, under the database's write lock.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace medbox::db {

class ChangeCapture {
public:
    // Installs the pre-update hook on db. Tables whose name `skip` accepts
    // are never captured (the replication log itself).
    ChangeCapture(sqlite3* db, std::string skipTable);
    ~ChangeCapture();
    ChangeCapture(const ChangeCapture&) = delete;
    ChangeCapture& operator=(const ChangeCapture&) = delete;

    void begin();          // start recording one write's changes
    std::string end();     // stop; the changeset of the net changes ("" when none)
    void discard();        // stop; forget what was recorded (the write rolled back)
    void schemaChanged();  // drop cached table descriptions (after migrations)

private:
    struct Table;
    struct Row;
    static void hook(void* self, sqlite3* db, int op, const char* zDb, const char* zName, long long iKey1,
                     long long iKey2);
    void onChange(int op, const char* zName);
    Table* table(const char* name);
    void record(Table& t, bool existed, bool indirect);

    sqlite3* db_;
    std::string skip_;
    bool active_ = false;
    std::unordered_map<std::string, std::unique_ptr<Table>> tables_;  // described on first use
    std::vector<Table*> touched_;                                     // in first-touch order
    std::string now_;            // end(): the fields of the row being read back, encoded
    std::vector<size_t> nowAt_;  // where each of them starts in now_ (and where the last ends)
};

}  // namespace medbox::db
