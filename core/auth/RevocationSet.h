#pragma once
// Staff tokens ended before their expiry (docs/security.md, "Revocation"):
// one token by its jti (logout), or every token of a user issued at or
// before a cut-off (account disabled, password or roles changed). The
// console keeps the list in its database and fills its own set directly;
// every other service copies it with a RevocationPoller. The verifier asks
// on every request, so a reader never waits for a writer nor the other way
// round: writers (a poll every few seconds, a logout) build a new copy and
// publish it; readers use whichever copy is current. Thread-safe; owned by
// ServiceApp for the process lifetime.
#include "core/auth/Principal.h"
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace medbox {

struct Revocation {
    enum class Kind { Token, Subject };
    int64_t seq = 0;  // the console's sequence number (0: not from the console's list)
    Kind kind = Kind::Token;
    std::string value;      // Token: the jti; Subject: the user name
    int64_t cutoffMs = 0;   // Subject: its tokens issued at or before this end; Token: when it was revoked
    int64_t expiresMs = 0;  // every token this can match has expired by then: the entry is dropped
};

class RevocationSet {
public:
    // Adds entries (adding one again is harmless) and drops every entry
    // expired at nowMs.
    void add(const std::vector<Revocation>& entries, int64_t nowMs);
    // The whole list anew (the console's list restarted: a new or restored database).
    void replace(const std::vector<Revocation>& entries, int64_t nowMs);
    void purge(int64_t nowMs);

    // True for a staff token on the list. Service tokens are never listed:
    // each service signs its own, for minutes.
    bool revoked(const Principal& p) const;

    size_t size() const { return size_.load(std::memory_order_acquire); }

private:
    struct Cutoff {
        int64_t cutoffMs;
        int64_t expiresMs;
    };
    struct Lists {
        std::unordered_map<std::string, int64_t> tokens;   // jti -> expiresMs
        std::unordered_map<std::string, Cutoff> subjects;  // user -> the latest cut-off (it covers the earlier ones)
        void add(const Revocation& r);
        void purge(int64_t nowMs);
    };
    // Under writeMutex_: publishes `next` as the current copy.
    void publish(std::shared_ptr<Lists> next);

    std::mutex writeMutex_;  // one writer at a time
    std::atomic<std::shared_ptr<const Lists>> lists_{std::make_shared<const Lists>()};
    std::atomic<size_t> size_{0};  // entries of the current copy: the empty check reads only this
};

}  // namespace medbox
