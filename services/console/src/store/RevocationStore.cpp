#include "store/RevocationStore.h"

namespace medbox::console::store {

namespace {

const char* const kColumns = "seq, kind, jti, subject, cutoff_ms, expires_ms";

Revocation readRow(const db::Statement& st) {
    Revocation r;
    r.seq = st.i64(0);
    const bool token = st.str(1) == "token";
    r.kind = token ? Revocation::Kind::Token : Revocation::Kind::Subject;
    r.value = token ? st.str(2) : st.str(3);
    r.cutoffMs = st.i64(4);
    r.expiresMs = st.i64(5);
    return r;
}

}  // namespace

int64_t insertRevocation(db::Connection& c, const Revocation& r, const std::string& subject) {
    const bool token = r.kind == Revocation::Kind::Token;
    c.prepare("INSERT INTO token_revocations (kind, jti, subject, cutoff_ms, expires_ms) VALUES (?, ?, ?, ?, ?)")
        .args(token ? "token" : "subject", token ? std::optional<std::string>(r.value) : std::nullopt, subject,
              r.cutoffMs, r.expiresMs)
        .run();
    return c.lastInsertId();
}

void purgeRevocations(db::Connection& c, int64_t nowMs) {
    c.prepare(
         "DELETE FROM token_revocations WHERE expires_ms <= ? "
         "AND seq < (SELECT MAX(seq) FROM token_revocations)")
        .args(nowMs)
        .run();
}

int64_t highestRevocationSeq(db::Connection& c) {
    auto st = c.prepare("SELECT COALESCE(MAX(seq), 0) FROM token_revocations");
    st.step();
    return st.i64(0);
}

std::vector<Revocation> revocationsAfter(db::Connection& c, int64_t afterSeq, int64_t upToSeq, int64_t nowMs,
                                         int limit) {
    auto st = c.prepare(std::string("SELECT ") + kColumns +
                        " FROM token_revocations WHERE seq > ? AND seq <= ? AND expires_ms > ? ORDER BY seq LIMIT ?");
    st.args(afterSeq, upToSeq, nowMs, int64_t{limit});
    std::vector<Revocation> out;
    while (st.step()) out.push_back(readRow(st));
    return out;
}

std::vector<Revocation> unexpiredRevocations(db::Connection& c, int64_t nowMs) {
    auto st = c.prepare(std::string("SELECT ") + kColumns +
                        " FROM token_revocations WHERE expires_ms > ? ORDER BY seq");
    st.args(nowMs);
    std::vector<Revocation> out;
    while (st.step()) out.push_back(readRow(st));
    return out;
}

std::optional<int64_t> latestCutoff(db::Connection& c, const std::string& subject) {
    auto st = c.prepare("SELECT MAX(cutoff_ms) FROM token_revocations WHERE kind = 'subject' AND subject = ?");
    st.args(subject);
    st.step();
    return st.optI64(0);
}

}  // namespace medbox::console::store
