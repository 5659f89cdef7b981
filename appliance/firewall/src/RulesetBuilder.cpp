#include "RulesetBuilder.h"

namespace medbox::firewall {

namespace {

struct BaseChainInfo {
    std::string_view name;
    std::string_view header;
};

// Input and forward default to drop (the requirement); output defaults to
// accept and is restricted per interface by the zone fragments, so that the
// management network keeps DNS, NTP and updates without listing them here.
constexpr std::array<BaseChainInfo, 3> kBaseChains{{
    {"input", "type filter hook input priority filter; policy drop;"},
    {"forward", "type filter hook forward priority filter; policy drop;"},
    {"output", "type filter hook output priority filter; policy accept;"},
}};

template <typename Item>
void writeItems(std::string& out, const std::vector<Item>& items, std::string_view indent) {
    std::string fragment;
    for (const auto& item : items) {
        if (item.fragment != fragment) {
            fragment = item.fragment;
            out += std::string(indent) + "# " + fragment + "\n";
        }
        // Multi-line items (chains, sets) get the indent on each line.
        std::string_view text = item.text;
        while (!text.empty()) {
            const auto eol = text.find('\n');
            out += std::string(indent) + std::string(text.substr(0, eol)) + "\n";
            if (eol == std::string_view::npos) break;
            text.remove_prefix(eol + 1);
        }
    }
}

}  // namespace

void RulesetBuilder::beginFragment(std::string label) { current_ = std::move(label); }

void RulesetBuilder::declare(std::string text) { declarations_.push_back({current_, std::move(text)}); }

void RulesetBuilder::rule(BaseChain chain, std::string rule) {
    base_[static_cast<std::size_t>(chain)].push_back({current_, std::move(rule)});
}

void RulesetBuilder::chain(std::string name, std::vector<std::string> rules) {
    std::string text = "chain " + name + " {\n";
    for (const auto& r : rules) text += "\t" + r + "\n";
    text += "}";
    chains_.push_back({current_, std::move(text)});
}

std::string RulesetBuilder::render(std::string_view tableComment) const {
    std::string out = "table " + std::string(kTableFamily) + " " + std::string(kTableName) + " {\n";
    out += "\tcomment \"" + std::string(tableComment) + "\"\n";
    writeItems(out, declarations_, "\t");
    for (std::size_t i = 0; i < kBaseChains.size(); ++i) {
        out += "\tchain " + std::string(kBaseChains[i].name) + " {\n";
        out += "\t\t" + std::string(kBaseChains[i].header) + "\n";
        writeItems(out, base_[i], "\t\t");
        out += "\t}\n";
    }
    writeItems(out, chains_, "\t");
    out += "}\n";
    return out;
}

}  // namespace medbox::firewall
