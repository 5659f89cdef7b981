#include "FirewallConfig.h"
#include "Nft.h"
#include "RulesetGenerator.h"
#include "TestSupport.h"

#include <gtest/gtest.h>

namespace medbox::firewall {
namespace {

class NftTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!test::enterPrivateNetns()) GTEST_SKIP() << "needs root to create a private network namespace";
        nft_ = std::make_unique<Nft>();
        // Each test starts from an empty ruleset in its own namespace.
        ASSERT_TRUE(nft_->run("flush ruleset").ok);
    }

    std::string ruleset() { return nft_->run("list ruleset").output; }

    static std::string buffer(const std::string& example) {
        const auto config = loadFirewallConfig(test::examplePath(example));
        EXPECT_TRUE(config.ok());
        return transactionBuffer(*config.config);
    }

    std::unique_ptr<Nft> nft_;
};

TEST_F(NftTest, DryRunAcceptsBothExamplesAndChangesNothing) {
    for (const auto* example : {"frontend.json", "gap.json"}) {
        const auto result = nft_->check(buffer(example));
        EXPECT_TRUE(result.ok) << example << ": " << result.error;
    }
    EXPECT_EQ(ruleset(), "");
}

TEST_F(NftTest, DryRunRejectsABrokenRuleset) {
    auto broken = buffer("frontend.json");
    const auto at = broken.find("tcp dport 8443 accept");
    ASSERT_NE(at, std::string::npos);
    broken.replace(at, 21, "tcp dport 8443 acept");
    const auto result = nft_->check(broken);
    EXPECT_FALSE(result.ok);
    // libnftables 1.0.6 marks the wrong line for buffer input, so only the
    // kind of error is checked.
    EXPECT_NE(result.error.find("syntax error"), std::string::npos) << result.error;
}

TEST_F(NftTest, ApplyCreatesTheTableAndReapplyReplacesIt) {
    ASSERT_TRUE(nft_->run(buffer("frontend.json")).ok);
    auto listed = ruleset();
    EXPECT_NE(listed.find("chain lan_in"), std::string::npos);

    ASSERT_TRUE(nft_->run(buffer("gap.json")).ok);
    listed = ruleset();
    EXPECT_NE(listed.find("chain gap_in"), std::string::npos);
    EXPECT_EQ(listed.find("chain lan_in"), std::string::npos);  // replaced, not merged
    EXPECT_EQ(listed.find("table inet medbox"), listed.rfind("table inet medbox"));
}

TEST_F(NftTest, AFailingTransactionLeavesTheRunningRulesetUntouched) {
    ASSERT_TRUE(nft_->run("add table ip hostfilter\nadd chain ip hostfilter keep").ok);
    ASSERT_TRUE(nft_->run(buffer("frontend.json")).ok);
    const auto before = ruleset();

    // The error is at the very end, after the delete of the old table: the
    // kernel must roll all of it back.
    auto broken = buffer("gap.json");
    broken += "add rule inet medbox input tcp dport 1 jump no_such_chain\n";
    EXPECT_FALSE(nft_->run(broken).ok);
    EXPECT_EQ(ruleset(), before);
    // Other tables are never touched by a medbox apply.
    EXPECT_NE(before.find("table ip hostfilter"), std::string::npos);
}

}  // namespace
}  // namespace medbox::firewall
