#include "domain/RulesetDiff.h"

#include <algorithm>
#include <sstream>

namespace medbox::console {

namespace {

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (out.size() == kMaxDiffLines) {
            out.push_back("... (cut at " + std::to_string(kMaxDiffLines) + " lines)");
            break;
        }
        out.push_back(line);
    }
    return out;
}

}  // namespace

RulesetDiff diffLines(const std::string& before, const std::string& after, std::size_t context) {
    const auto a = splitLines(before);
    const auto b = splitLines(after);
    // lcs[i][j]: the common subsequence of a[i..] and b[j..] (flat table).
    const std::size_t w = b.size() + 1;
    std::vector<unsigned> lcs((a.size() + 1) * w, 0);
    for (std::size_t i = a.size(); i-- > 0;)
        for (std::size_t j = b.size(); j-- > 0;)
            lcs[i * w + j] = a[i] == b[j] ? lcs[(i + 1) * w + j + 1] + 1
                                          : std::max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    std::vector<DiffLine> all;
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (i < a.size() && j < b.size() && a[i] == b[j]) {
            all.push_back({' ', a[i++]});
            ++j;
        } else if (i < a.size() && (j == b.size() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
            all.push_back({'-', a[i++]});  // removals first, as diff -u shows them
        } else {
            all.push_back({'+', b[j++]});
        }
    }
    RulesetDiff d;
    // Keep the changes and `context` unchanged lines either side of each.
    std::vector<bool> keep(all.size(), false);
    for (std::size_t k = 0; k < all.size(); ++k) {
        if (all[k].op == ' ') continue;
        (all[k].op == '+' ? d.added : d.removed)++;
        const std::size_t from = k > context ? k - context : 0;
        const std::size_t to = std::min(all.size(), k + context + 1);
        for (std::size_t m = from; m < to; ++m) keep[m] = true;
    }
    std::size_t skipped = 0;
    for (std::size_t k = 0; k < all.size(); ++k) {
        if (!keep[k]) {
            ++skipped;
            continue;
        }
        if (skipped) d.lines.push_back({'@', std::to_string(skipped) + " unchanged lines"});
        skipped = 0;
        d.lines.push_back(std::move(all[k]));
    }
    if (skipped && !d.lines.empty()) d.lines.push_back({'@', std::to_string(skipped) + " unchanged lines"});
    return d;
}

}  // namespace medbox::console
