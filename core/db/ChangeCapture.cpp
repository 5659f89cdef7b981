#include "core/db/ChangeCapture.h"

#include "core/db/Statement.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

namespace medbox::db {

namespace {

// Changeset value encoding (sqlite3session.h, "RECORD FORMAT"): a type byte,
// then 8 big-endian bytes (integer, real) or a varint length and the bytes
// (text, blob); nothing for NULL and for "undefined" (0).
constexpr char kUndefined = 0;

void putVarint(std::string& out, uint64_t v) {
    // SQLite's varint: big-endian 7-bit groups with a continuation bit; a
    // ninth byte, when needed, carries 8 bits.
    unsigned char buf[10];
    if (v & (0xffULL << 56)) {
        buf[8] = static_cast<unsigned char>(v);
        v >>= 8;
        for (int i = 7; i >= 0; --i) {
            buf[i] = static_cast<unsigned char>((v & 0x7f) | 0x80);
            v >>= 7;
        }
        out.append(reinterpret_cast<const char*>(buf), 9);
        return;
    }
    int n = 0;
    do {
        buf[n++] = static_cast<unsigned char>((v & 0x7f) | 0x80);
        v >>= 7;
    } while (v != 0);
    buf[0] &= 0x7f;
    for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>(buf[i]));
}

void put64(std::string& out, uint64_t v) {
    for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>((v >> s) & 0xff));
}

// Appends one encoded field.
void encodeInto(std::string& out, sqlite3_value* v) {
    const int type = sqlite3_value_type(v);
    out.push_back(static_cast<char>(type));
    switch (type) {
        case SQLITE_INTEGER: put64(out, static_cast<uint64_t>(sqlite3_value_int64(v))); break;
        case SQLITE_FLOAT: {
            double d = sqlite3_value_double(v);
            uint64_t bits;
            std::memcpy(&bits, &d, sizeof bits);
            put64(out, bits);
            break;
        }
        case SQLITE_TEXT: {
            const unsigned char* t = sqlite3_value_text(v);
            const int n = sqlite3_value_bytes(v);
            putVarint(out, static_cast<uint64_t>(n));
            out.append(reinterpret_cast<const char*>(t), static_cast<size_t>(n));
            break;
        }
        case SQLITE_BLOB: {
            const void* b = sqlite3_value_blob(v);
            const int n = sqlite3_value_bytes(v);
            putVarint(out, static_cast<uint64_t>(n));
            if (n > 0) out.append(static_cast<const char*>(b), static_cast<size_t>(n));
            break;
        }
        default:  // NULL
            break;
    }
}

// One encoded field from a value.
std::string encode(sqlite3_value* v) {
    std::string out;
    encodeInto(out, v);
    return out;
}

uint64_t get64(const std::string& f) {
    uint64_t v = 0;
    for (size_t i = 1; i <= 8; ++i) v = (v << 8) | static_cast<unsigned char>(f[i]);
    return v;
}

// Binds an encoded field (as made by encode()) to parameter i.
int bindEncoded(sqlite3_stmt* st, int i, const std::string& f) {
    switch (f[0]) {
        case SQLITE_INTEGER: return sqlite3_bind_int64(st, i, static_cast<sqlite3_int64>(get64(f)));
        case SQLITE_FLOAT: {
            uint64_t bits = get64(f);
            double d;
            std::memcpy(&d, &bits, sizeof d);
            return sqlite3_bind_double(st, i, d);
        }
        case SQLITE_TEXT:
        case SQLITE_BLOB: {
            // Skip the varint length.
            size_t p = 1;
            while (static_cast<unsigned char>(f[p]) & 0x80 && p < 9) ++p;
            ++p;
            const char* data = f.data() + p;
            const int n = static_cast<int>(f.size() - p);
            return f[0] == SQLITE_TEXT ? sqlite3_bind_text(st, i, data, n, SQLITE_TRANSIENT)
                                       : sqlite3_bind_blob(st, i, data, n, SQLITE_TRANSIENT);
        }
        default: return sqlite3_bind_null(st, i);
    }
}

std::string quoted(const std::string& name) {
    std::string q = "\"";
    for (char c : name) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

}  // namespace

// A touched row: its primary key (encoded fields, in key order), whether it
// existed before the write, and then its original values.
struct ChangeCapture::Row {
    std::vector<std::string> key;       // primary key fields, in key order
    std::vector<std::string> original;  // all columns, when it existed
    bool existed = false;
    bool indirect = true;  // every change to it came from a trigger or a foreign key action
};

struct ChangeCapture::Table {
    std::string name;
    int nCol = 0;
    std::vector<unsigned char> pk;              // per column: its place in the primary key (1, 2, ...) or 0
    std::vector<int> keyCols;                   // primary key columns, in key order
    bool capture = false;                       // has a primary key and is not skipped
    sqlite3_stmt* select = nullptr;             // the row by primary key
    std::unordered_map<std::string, Row> rows;  // by concatenated encoded key (node-based: Row* stay valid)
    std::vector<Row*> order;                    // in first-touch order
    ~Table() { sqlite3_finalize(select); }
};

ChangeCapture::ChangeCapture(sqlite3* db, std::string skipTable) : db_(db), skip_(std::move(skipTable)) {
    sqlite3_preupdate_hook(db_, &ChangeCapture::hook, this);
}

ChangeCapture::~ChangeCapture() { sqlite3_preupdate_hook(db_, nullptr, nullptr); }

void ChangeCapture::schemaChanged() {
    discard();
    tables_.clear();
}

void ChangeCapture::begin() {
    discard();
    active_ = true;
}

void ChangeCapture::discard() {
    for (Table* t : touched_) {
        t->rows.clear();
        t->order.clear();
    }
    touched_.clear();
    active_ = false;
}

ChangeCapture::Table* ChangeCapture::table(const char* name) {
    auto it = tables_.find(name);
    if (it != tables_.end()) return it->second.get();
    auto t = std::make_unique<Table>();
    t->name = name;
    // Column order and primary key as the session extension reads them
    // (PRAGMA table_info: the pk column is the column's place in the key).
    sqlite3_stmt* info = nullptr;
    const std::string sql = "PRAGMA main.table_info(" + quoted(t->name) + ")";
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &info, nullptr) == SQLITE_OK) {
        std::vector<std::pair<int, int>> keys;  // (place in key, column)
        std::vector<std::string> names;
        while (sqlite3_step(info) == SQLITE_ROW) {
            const int place = sqlite3_column_int(info, 5);
            if (place > 0) keys.emplace_back(place, t->nCol);
            t->pk.push_back(static_cast<unsigned char>(place));
            const char* col = reinterpret_cast<const char*>(sqlite3_column_text(info, 1));
            names.emplace_back(col ? col : "");
            ++t->nCol;
        }
        sqlite3_finalize(info);
        std::sort(keys.begin(), keys.end());
        std::string cols, where;
        for (const auto& n : names) cols += (cols.empty() ? "" : ", ") + quoted(n);
        for (const auto& [place, col] : keys) {
            t->keyCols.push_back(col);
            where += (where.empty() ? "" : " AND ") + quoted(names[static_cast<size_t>(col)]) + " IS ?";
        }
        t->capture = !t->keyCols.empty() && t->name != skip_;
        if (t->capture) {
            const std::string select = "SELECT " + cols + " FROM main." + quoted(t->name) + " WHERE " + where;
            if (sqlite3_prepare_v3(db_, select.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &t->select, nullptr) !=
                SQLITE_OK)
                t->capture = false;
        }
    }
    Table* raw = t.get();
    tables_.emplace(raw->name, std::move(t));
    return raw;
}

void ChangeCapture::hook(void* self, sqlite3*, int op, const char* zDb, const char* zName, long long, long long) {
    auto* c = static_cast<ChangeCapture*>(self);
    if (!c->active_ || std::strcmp(zDb, "main") != 0) return;
    c->onChange(op, zName);
}

void ChangeCapture::onChange(int op, const char* zName) {
    Table* t = table(zName);
    if (!t->capture) return;
    const bool indirect = sqlite3_preupdate_depth(db_) > 0;
    // The key of the row as it was (UPDATE, DELETE) or will be (INSERT).
    auto keyOf = [&](bool newValues, std::vector<std::string>& fields) {
        fields.clear();
        for (int col : t->keyCols) {
            sqlite3_value* v = nullptr;
            int rc = newValues ? sqlite3_preupdate_new(db_, col, &v) : sqlite3_preupdate_old(db_, col, &v);
            if (rc != SQLITE_OK || !v) return false;
            if (sqlite3_value_type(v) == SQLITE_NULL)
                return false;  // like the extension: rows with a NULL key are not captured
            fields.push_back(encode(v));
        }
        return true;
    };
    auto touch = [&](std::vector<std::string>& fields, bool existed) -> Row* {
        std::string id;
        for (const auto& f : fields) id += f;
        auto [it, fresh] = t->rows.try_emplace(std::move(id));
        Row& r = it->second;
        if (!indirect) r.indirect = false;
        if (!fresh) return nullptr;  // the first change keeps the original
        if (t->order.empty()) touched_.push_back(t);
        t->order.push_back(&r);
        r.key = std::move(fields);
        r.existed = existed;
        return &r;
    };
    std::vector<std::string> fields;
    if (op == SQLITE_INSERT) {
        if (keyOf(true, fields)) touch(fields, false);
        return;
    }
    // UPDATE or DELETE: keep the original values of a row met for the first time.
    if (keyOf(false, fields)) {
        if (Row* r = touch(fields, true)) {
            r->original.reserve(static_cast<size_t>(t->nCol));
            for (int i = 0; i < t->nCol; ++i) {
                sqlite3_value* v = nullptr;
                if (sqlite3_preupdate_old(db_, i, &v) != SQLITE_OK || !v) {
                    r->original.emplace_back(1, static_cast<char>(SQLITE_NULL));
                    continue;
                }
                r->original.push_back(encode(v));
            }
        }
    }
    // An UPDATE that moves the primary key also creates the row under its new key.
    if (op == SQLITE_UPDATE) {
        if (keyOf(true, fields)) touch(fields, false);
    }
}

std::string ChangeCapture::end() {
    std::string out;
    for (Table* t : touched_) {
        std::string body;
        for (const Row* row : t->order) {
            const Row& r = *row;
            // The row now, by its key.
            sqlite3_stmt* st = t->select;
            sqlite3_reset(st);
            for (size_t i = 0; i < r.key.size(); ++i) bindEncoded(st, static_cast<int>(i + 1), r.key[i]);
            const int rc = sqlite3_step(st);
            if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
                DbError e(sqlite3_extended_errcode(db_),
                          std::string("cannot read back a changed row of ") + t->name + ": " + sqlite3_errmsg(db_));
                sqlite3_reset(st);
                throw e;
            }
            // The row's fields now, encoded one after the other into a
            // buffer kept across rows (field i is now_[nowAt_[i], nowAt_[i+1])).
            const bool exists = rc == SQLITE_ROW;
            now_.clear();
            nowAt_.clear();
            if (exists) {
                for (int i = 0; i < t->nCol; ++i) {
                    nowAt_.push_back(now_.size());
                    encodeInto(now_, sqlite3_column_value(st, i));
                }
                nowAt_.push_back(now_.size());
            }
            sqlite3_reset(st);
            auto field = [&](size_t i) { return std::string_view(now_).substr(nowAt_[i], nowAt_[i + 1] - nowAt_[i]); };
            const char indirect = r.indirect ? 1 : 0;
            if (!r.existed) {
                if (!exists) continue;  // inserted and gone again
                body.push_back(static_cast<char>(SQLITE_INSERT));
                body.push_back(indirect);
                body += now_;
            } else if (!exists) {
                body.push_back(static_cast<char>(SQLITE_DELETE));
                body.push_back(indirect);
                for (const auto& f : r.original) body += f;
            } else {
                std::vector<bool> changed(static_cast<size_t>(t->nCol));
                bool any = false;
                for (size_t i = 0; i < changed.size(); ++i) any |= changed[i] = r.original[i] != field(i);
                if (!any) continue;  // changed and changed back
                body.push_back(static_cast<char>(SQLITE_UPDATE));
                body.push_back(indirect);
                for (size_t i = 0; i < changed.size(); ++i) {
                    if (changed[i] || t->pk[i])
                        body += r.original[i];
                    else
                        body.push_back(kUndefined);
                }
                for (size_t i = 0; i < changed.size(); ++i) {
                    if (changed[i])
                        body += field(i);
                    else
                        body.push_back(kUndefined);
                }
            }
        }
        if (body.empty()) continue;
        out.push_back('T');
        putVarint(out, static_cast<uint64_t>(t->nCol));
        out.append(reinterpret_cast<const char*>(t->pk.data()), t->pk.size());
        out += t->name;
        out.push_back('\0');
        out += body;
    }
    discard();
    return out;
}

}  // namespace medbox::db
