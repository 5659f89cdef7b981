#include "core/audit/AuditQuery.h"
#include "core/error/AppError.h"

namespace medbox {

namespace {
constexpr std::size_t kMaxText = 200;
}

AuditFilter auditFilterFrom(const Request& rq) {
    auto time = [&rq](const std::string& name) -> std::optional<int64_t> {
        const auto us = rq.queryInstantUs(name);
        return us ? std::optional<int64_t>(*us / 1000) : std::nullopt;
    };
    auto text = [&rq](const std::string& name) {
        std::string v = rq.query(name).value_or("");
        if (v.size() > kMaxText) {
            throw AppError(Err::InvalidField, name + ": at most " + std::to_string(kMaxText) + " bytes", name);
        }
        return v;
    };
    AuditFilter f;
    f.afterSeq = rq.queryInt("after", 0, INT64_MAX).value_or(0);
    f.limit = static_cast<int>(rq.queryInt("limit", 1, 1000).value_or(100));
    const std::string order = rq.query("order").value_or("asc");
    if (order != "asc" && order != "desc") throw AppError(Err::InvalidField, "order: asc or desc", "order");
    f.newestFirst = order == "desc";
    f.beforeSeq = rq.queryInt("before", 1, INT64_MAX).value_or(0);
    if (f.beforeSeq != 0 && !f.newestFirst) throw AppError(Err::InvalidField, "before: only with order=desc", "before");
    if (f.afterSeq != 0 && f.newestFirst) throw AppError(Err::InvalidField, "after: only with order=asc", "after");
    f.actor = text("actor");
    f.actionPrefix = text("action");
    f.target = text("target");
    f.text = text("q");
    f.outcome = text("outcome");
    if (!f.outcome.empty() && f.outcome != "ok" && f.outcome != "denied" && f.outcome != "failed")
        throw AppError(Err::InvalidField, "outcome: ok, denied or failed", "outcome");
    f.sinceMs = time("since");
    f.untilMs = time("until");
    if (f.sinceMs && f.untilMs && *f.sinceMs >= *f.untilMs)
        throw AppError(Err::InvalidField, "until: must be later than since", "until");
    return f;
}

}  // namespace medbox
