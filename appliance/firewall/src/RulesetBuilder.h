#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace medbox::firewall {

// The name of the one table medbox owns. Nothing outside it is ever touched,
// so the host's own rules (and other tools' tables) are left alone.
inline constexpr std::string_view kTableFamily = "inet";
inline constexpr std::string_view kTableName = "medbox";

enum class BaseChain { Input, Forward, Output };

// Collects the pieces of `table inet medbox` as the numbered fragments add
// them, remembers which fragment added what, and writes the nftables text
// with a "# NN-name" comment wherever the fragment changes, so the order of
// the fragments is visible in the rendered ruleset. Used by one generator
// call, single-threaded.
class RulesetBuilder {
public:
    // Everything added from now on belongs to this fragment ("20-management").
    void beginFragment(std::string label);
    // A table-level object (set, named counter), written before the chains.
    void declare(std::string text);
    void rule(BaseChain chain, std::string rule);
    // A regular chain jumped to from a base chain.
    void chain(std::string name, std::vector<std::string> rules);

    std::string render(std::string_view tableComment) const;

private:
    struct Item {
        std::string fragment;
        std::string text;
    };

    std::string current_;
    std::vector<Item> declarations_;
    std::array<std::vector<Item>, 3> base_;
    std::vector<Item> chains_;
};

}  // namespace medbox::firewall
