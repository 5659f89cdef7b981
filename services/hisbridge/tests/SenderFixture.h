#pragma once
// InboxFixture with a HisSender and a FakeHis as the sending partner "his"
// (answer timeout 300 ms; 2005 retried besides 9xxx), and helpers to feed
// booking messages and run the sender past its backoffs.
#include "FakeHis.h"
#include "InboxFixture.h"
#include "domain/HisSender.h"

namespace medbox::hisbridge::testing {

class SenderFixture : public InboxFixture {
protected:
    HisbridgeConfig config() override {
        HisbridgeConfig c;
        HisbridgeConfig::HisPartner p;
        p.name = "his";
        p.address = "127.0.0.1";
        p.port = his_.port();
        p.answerTimeoutMs = 300;
        p.retryCodes = {"9xxx", "2005"};  // 2005: a partner's "locked, try again" business code
        c.hisPartners.push_back(p);
        return c;
    }
    void SetUp() override {
        InboxFixture::SetUp();
        sender_ = std::make_unique<HisSender>(*env_);
    }
    bool accept(const std::string& id, const std::string& topic, const std::string& payload) {
        return acceptBookingMessage(*env_, id, topic, json(payload));
    }
    // Runs the sender until nothing is due, moving the clock past each backoff.
    void drain(int rounds = 12) {
        for (int i = 0; i < rounds; ++i) {
            sender_->runOnce();
            clock_.advanceMs(400'000);
        }
    }
    std::string state(const std::string& requestId) {
        return one("SELECT state FROM his_outgoing WHERE request_id = '" + requestId + "'");
    }

    FakeHis his_;
    std::unique_ptr<HisSender> sender_;
};

}  // namespace medbox::hisbridge::testing
