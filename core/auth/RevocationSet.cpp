#include "core/auth/RevocationSet.h"

#include <algorithm>

namespace medbox {

void RevocationSet::Lists::add(const Revocation& r) {
    if (r.value.empty()) return;
    if (r.kind == Revocation::Kind::Token) {
        auto [it, fresh] = tokens.try_emplace(r.value, r.expiresMs);
        if (!fresh) it->second = std::max(it->second, r.expiresMs);
        return;
    }
    auto [it, fresh] = subjects.try_emplace(r.value, Cutoff{r.cutoffMs, r.expiresMs});
    if (!fresh) {
        // A later cut-off catches every token an earlier one does.
        it->second.cutoffMs = std::max(it->second.cutoffMs, r.cutoffMs);
        it->second.expiresMs = std::max(it->second.expiresMs, r.expiresMs);
    }
}

void RevocationSet::Lists::purge(int64_t nowMs) {
    std::erase_if(tokens, [nowMs](const auto& e) { return e.second <= nowMs; });
    std::erase_if(subjects, [nowMs](const auto& e) { return e.second.expiresMs <= nowMs; });
}

void RevocationSet::publish(std::shared_ptr<Lists> next) {
    const size_t n = next->tokens.size() + next->subjects.size();
    lists_.store(std::move(next));
    size_.store(n, std::memory_order_release);
}

void RevocationSet::add(const std::vector<Revocation>& entries, int64_t nowMs) {
    std::lock_guard lock(writeMutex_);
    auto next = std::make_shared<Lists>(*lists_.load());
    for (const auto& r : entries) next->add(r);
    next->purge(nowMs);
    publish(std::move(next));
}

void RevocationSet::replace(const std::vector<Revocation>& entries, int64_t nowMs) {
    std::lock_guard lock(writeMutex_);
    auto next = std::make_shared<Lists>();
    for (const auto& r : entries) next->add(r);
    next->purge(nowMs);
    publish(std::move(next));
}

void RevocationSet::purge(int64_t nowMs) {
    std::lock_guard lock(writeMutex_);
    auto current = lists_.load();
    const bool expired = std::any_of(current->tokens.begin(), current->tokens.end(),
                                     [nowMs](const auto& e) { return e.second <= nowMs; }) ||
                         std::any_of(current->subjects.begin(), current->subjects.end(),
                                     [nowMs](const auto& e) { return e.second.expiresMs <= nowMs; });
    if (!expired) return;  // the usual case: no copy
    auto next = std::make_shared<Lists>(*current);
    next->purge(nowMs);
    publish(std::move(next));
}

bool RevocationSet::revoked(const Principal& p) const {
    if (p.kind != Principal::Kind::Staff || size_.load(std::memory_order_acquire) == 0) return false;
    const auto lists = lists_.load();
    if (!p.tokenId.empty() && lists->tokens.count(p.tokenId)) return true;
    auto it = lists->subjects.find(p.subject);
    // A token without iat (issuedAtMs 0) cannot show it is newer: revoked.
    return it != lists->subjects.end() && p.issuedAtMs <= it->second.cutoffMs;
}

}  // namespace medbox
