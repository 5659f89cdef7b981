#pragma once
// SQL for the token_revocations table (migrations/0003). Portable SQL only.
// Stateless: every call takes the connection to run on — tx.conn() inside
// Database::write() for changes, a reader for the lists.
#include "core/auth/RevocationSet.h"
#include "core/db/Database.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox::console {

namespace store {

// Adds a row; returns its seq. subject: the user (for a token too:
// whose token it was); r.value is the jti for a token, ignored otherwise.
int64_t insertRevocation(db::Connection& c, const Revocation& r, const std::string& subject);
// Deletes rows expired at nowMs, except the newest row: SQLite numbers a
// new row after the largest seq left, and a seq handed out again would
// be missed by every service that has seen it.
void purgeRevocations(db::Connection& c, int64_t nowMs);
// The largest seq there is (0 when none).
int64_t highestRevocationSeq(db::Connection& c);
// Rows with afterSeq < seq <= upToSeq not expired at nowMs, oldest first.
std::vector<Revocation> revocationsAfter(db::Connection& c, int64_t afterSeq, int64_t upToSeq, int64_t nowMs,
                                         int limit);
// Every row not expired at nowMs (loaded into the console's own set at start).
std::vector<Revocation> unexpiredRevocations(db::Connection& c, int64_t nowMs);
// The latest cut-off of every token of a user, if any.
std::optional<int64_t> latestCutoff(db::Connection& c, const std::string& subject);

}  // namespace store

}  // namespace medbox::console
