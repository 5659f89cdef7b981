#pragma once
// A line diff of two rendered rulesets (the firewall page's "diff before
// apply"): the longest common subsequence of lines, the changes with a few
// lines of context around them, like `diff -u` without the headers.
#include <cstddef>
#include <string>
#include <vector>

namespace medbox::console {

struct DiffLine {
    char op = ' ';  // ' ' same, '-' only in the old text, '+' only in the new, '@' skipped lines
    std::string text{};
};

struct RulesetDiff {
    std::vector<DiffLine> lines{};
    std::size_t added = 0;
    std::size_t removed = 0;
};

// Texts of at most kMaxLines lines each (longer ones are cut, with a last
// line saying so): a profile renders to a few hundred.
inline constexpr std::size_t kMaxDiffLines = 4000;

RulesetDiff diffLines(const std::string& before, const std::string& after, std::size_t context = 3);

}  // namespace medbox::console
