#include "core/audit/AuditLog.h"

#include <Poco/File.h>
#include <openssl/evp.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

namespace medbox {

namespace {

const std::string kZeroHash(64, '0');

// Canonical, unambiguous encoding: a version tag, then each field as
// "<decimal byte length>:<bytes>", so no two different rows encode alike
// whatever bytes the fields contain.
std::string rowHash(int64_t seq, int64_t atMs, const std::string& actor, const std::string& action,
                    const std::string& target, const std::string& outcome, const std::string& detail,
                    const std::string& prevHash) {
    std::string buf = "medbox-audit-v1\n";
    auto field = [&buf](const std::string& v) {
        buf += std::to_string(v.size());
        buf += ':';
        buf += v;
    };
    field(std::to_string(seq));
    field(std::to_string(atMs));
    field(actor);
    field(action);
    field(target);
    field(outcome);
    field(detail);
    field(prevHash);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(buf.data(), buf.size(), md, &len, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed");
    }
    static const char* digits = "0123456789abcdef";
    std::string hex;
    hex.reserve(len * 2);
    for (unsigned i = 0; i < len; ++i) {
        hex += digits[md[i] >> 4];
        hex += digits[md[i] & 0x0f];
    }
    return hex;
}

struct Anchor {
    int64_t seq = 0;
    std::string hash;
};

}  // namespace

// At most one anchor write per pause: the head of a busy log moves with
// every group commit, and the anchor only has to catch up.
constexpr auto kAnchorPause = std::chrono::milliseconds(100);

AuditLog::AuditLog(const Clock& clock, std::string anchorFile)
    : clock_(clock),
      anchor_(anchorFile.empty() ? nullptr : std::make_unique<AnchorWriter>(std::move(anchorFile), kAnchorPause)) {}

void AuditLog::flushAnchor() const {
    if (anchor_) anchor_->flush();
}

void AuditLog::append(db::Tx& tx, const AuditEntry& e) {
    int64_t lastSeq = 0;
    std::string prevHash = kZeroHash;
    {
        auto st = tx.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        if (st.step()) {
            lastSeq = st.i64(0);
            prevHash = st.str(1);
        }
    }
    const int64_t seq = lastSeq + 1;
    const int64_t atMs = clock_.nowMs();
    const std::string hash = rowHash(seq, atMs, e.actor, e.action, e.target, e.outcome, e.detail, prevHash);
    tx.prepare(
          "INSERT INTO audit_log(seq, at_ms, actor, action, target, outcome, detail, prev_hash, hash) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .args(seq, atMs, e.actor, e.action, e.target, e.outcome, e.detail, prevHash, hash)
        .run();
    // The row is committed only after this transaction's COMMIT; a rolled-back
    // append must not move the anchor.
    if (anchor_) tx.afterCommit([w = anchor_.get(), seq, hash] { w->advance(seq, hash); });
}

AuditVerifyResult AuditLog::verify(db::Database& db) const {
    AuditVerifyResult r;
    auto bad = [&r](int64_t seq, std::string reason) {
        r.ok = false;
        r.firstBadSeq = seq;
        r.reason = std::move(reason);
        return r;
    };

    // Read the anchor first: rows committed after this point only make the
    // table longer than the anchor, which is not an error.
    flushAnchor();
    const std::string anchorFile = anchor_ ? anchor_->path() : std::string();
    std::optional<Anchor> anchor;
    if (!anchorFile.empty() && Poco::File(anchorFile).exists()) {
        std::ifstream in(anchorFile);
        Anchor a;
        std::string rest;
        if (!(in >> a.seq >> a.hash) || a.seq < 1 || a.hash.size() != 64 || (in >> rest)) {
            return bad(0, "audit anchor file '" + anchorFile + "' is unreadable or malformed");
        }
        anchor = a;
    }

    int64_t lastSeq = 0;
    std::string lastHash = kZeroHash;
    std::string hashAtAnchor;
    bool broken = false;
    db.read([&](db::Connection& c) {
        auto st = c.prepare(
            "SELECT seq, at_ms, actor, action, target, outcome, detail, prev_hash, hash FROM audit_log ORDER BY seq");
        while (st.step()) {
            const int64_t seq = st.i64(0);
            const std::string prev = st.str(7);
            const std::string stored = st.str(8);
            if (seq != lastSeq + 1) {
                if (seq == lastSeq + 2)
                    bad(lastSeq + 1, "row " + std::to_string(lastSeq + 1) + " is missing (deleted)");
                else
                    bad(lastSeq + 1, "rows " + std::to_string(lastSeq + 1) + " to " + std::to_string(seq - 1) +
                                         " are missing (deleted)");
                broken = true;
                return;
            }
            const std::string computed = rowHash(seq, st.i64(1), st.str(2), st.str(3), st.str(4), st.str(5), st.str(6),
                                                 prev);
            if (computed != stored) {
                bad(seq, "row " + std::to_string(seq) +
                             " was changed after it was written (its content does not match its hash)");
                broken = true;
                return;
            }
            if (prev != lastHash) {
                bad(seq, "row " + std::to_string(seq) + " does not link to row " + std::to_string(lastSeq) +
                             " (prev_hash differs: a row was replaced or re-hashed)");
                broken = true;
                return;
            }
            if (anchor && seq == anchor->seq) hashAtAnchor = stored;
            lastSeq = seq;
            lastHash = stored;
            ++r.rows;
        }
    });
    if (broken) return r;

    if (!anchorFile.empty()) {
        if (!anchor) {
            if (lastSeq > 0) {
                return bad(0, "audit anchor file '" + anchorFile + "' is missing although the log has " +
                                  std::to_string(lastSeq) + " rows");
            }
        } else if (anchor->seq > lastSeq) {
            return bad(lastSeq + 1, "rows " + std::to_string(lastSeq + 1) + " to " + std::to_string(anchor->seq) +
                                        " were deleted at the end (the anchor records row " +
                                        std::to_string(anchor->seq) + ")");
        } else if (hashAtAnchor != anchor->hash) {
            return bad(anchor->seq, "row " + std::to_string(anchor->seq) +
                                        " differs from the anchor (the chain was rewritten from this row or earlier)");
        }
    }
    return r;
}

}  // namespace medbox
