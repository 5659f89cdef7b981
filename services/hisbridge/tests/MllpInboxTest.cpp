// The HL7 inbox behind the core's TcpListener and MllpFramer on real
// loopback sockets, as HisbridgeApp wires them: a message split across TCP
// reads, several in one read, garbage, a peer that never finishes a frame
// (and another served meanwhile), a frame whose content is not HL7.
#include "InboxFixture.h"
#include "core/net/MllpFramer.h"
#include "core/net/TcpListener.h"
#include "core/testing/FrameClient.h"

#include <chrono>
#include <thread>

using namespace medbox;
using namespace medbox::hisbridge;
using namespace medbox::hisbridge::testing;
using namespace std::chrono_literals;

namespace {

const std::string kPid = "PID|1||P1^^^HIS^PI~C1^^^HIS^CARD||Wang^Wu";

// The listener's client, reading MLLP-framed ACKs.
class Client : public testutil::FrameClient {
public:
    using FrameClient::FrameClient;
    // The next ACK's payload; nullopt when the connection ends or nothing comes in time.
    std::optional<std::string> ack(std::chrono::milliseconds timeout = 5000ms) {
        return frame(net::MllpFramer(), timeout);
    }
};

std::string framed(const std::string& msg) { return net::MllpFramer().wrap(msg); }

class MllpInboxTest : public InboxFixture {
protected:
    void SetUp() override {
        InboxFixture::SetUp();
        net::TcpListenerOptions o;
        o.readTimeoutMs = 300;  // a half frame is given up quickly here
        listener_ = std::make_unique<net::TcpListener>(o, std::make_shared<net::MllpFramer>(),
                                                       [this](std::string_view payload,
                                                              const net::Peer& peer) -> std::optional<std::string> {
                                                           return inbox_->answer(payload, peer.address);
                                                       });
        listener_->start();
    }
    void TearDown() override { listener_->stop(); }
    int port() const { return listener_->port(); }

    std::unique_ptr<net::TcpListener> listener_;
};

std::string msa(const std::optional<std::string>& ack, size_t field) {
    if (!ack) return "<no ack>";
    return hl7::Message::parse(*ack).text("MSA", field);
}

}  // namespace

TEST_F(MllpInboxTest, AMessageSplitAcrossManyReadsIsAckedOnceWhole) {
    Client c(port());
    const std::string bytes = framed(adt("A04", "SPLIT1", kPid));
    // Cut inside the start block, a segment, the CR between segments and the end block.
    for (size_t at = 0; at < bytes.size(); at += 7) {
        c.send(bytes.substr(at, 7));
        std::this_thread::sleep_for(2ms);
    }
    const auto ack = c.ack();
    EXPECT_EQ(msa(ack, 1), "AA");
    EXPECT_EQ(msa(ack, 2), "SPLIT1");
    EXPECT_EQ(one("SELECT state FROM hl7_message WHERE control_id = 'SPLIT1'"), "applied");
}

TEST_F(MllpInboxTest, SeveralMessagesInOneReadAreAnsweredInOrder) {
    Client c(port());
    c.send(framed(adt("A04", "M1", kPid)) + framed(oru("M2", kPid, "LL")) + framed(adt("A08", "M3", kPid)));
    EXPECT_EQ(msa(c.ack(), 2), "M1");
    EXPECT_EQ(msa(c.ack(), 2), "M2");
    EXPECT_EQ(msa(c.ack(), 2), "M3");
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message WHERE state = 'applied'"), 3);
}

TEST_F(MllpInboxTest, GarbageOutsideAFrameEndsTheConnectionAndStoresNothing) {
    Client bad(port());
    bad.send("GET / HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(bad.closedWithin(3000ms));
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message"), 0);
    Client good(port());  // the listener goes on
    good.send(framed(adt("A04", "AFTER", kPid)));
    EXPECT_EQ(msa(good.ack(), 1), "AA");
}

TEST_F(MllpInboxTest, GarbageInsideAFrameIsNakedARAndTheConnectionStays) {
    Client c(port());
    c.send(framed("\x01\x02 not hl7 at all"));
    const auto nak = c.ack();
    ASSERT_TRUE(nak);
    EXPECT_EQ(msa(nak, 1), "AR");
    EXPECT_TRUE(hl7::Message::parse(*nak).find("ERR"));
    c.send(framed(adt("A04", "NEXT", kPid)));
    EXPECT_EQ(msa(c.ack(), 1), "AA");
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message"), 1);
}

TEST_F(MllpInboxTest, APeerThatNeverFinishesAFrameIsDroppedWhileOthersAreServed) {
    Client hung(port());
    const std::string bytes = framed(adt("A04", "HALF", kPid));
    hung.send(bytes.substr(0, bytes.size() / 2));
    Client other(port());
    other.send(framed(adt("A04", "OTHER", kPid)));
    EXPECT_EQ(msa(other.ack(), 1), "AA");
    EXPECT_TRUE(hung.closedWithin(3000ms));  // the read timeout (300 ms here)
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message WHERE control_id = 'HALF'"), 0);
}

TEST_F(MllpInboxTest, ADuplicateOnAnotherConnectionIsAckedAAAndStoredOnce) {
    {
        Client c(port());
        c.send(framed(oru("DUP", kPid, "HH")));
        EXPECT_EQ(msa(c.ack(), 1), "AA");
    }
    Client again(port());  // the sender did not see the ACK and reconnected
    again.send(framed(oru("DUP", kPid, "HH")));
    EXPECT_EQ(msa(again.ack(), 1), "AA");
    EXPECT_EQ(count("SELECT count(*) FROM hl7_message"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM result_report"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE destination = 'alerting'"), 1);
}
