#include "his/Client.h"
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <chrono>

namespace medbox::hisbridge::his {

namespace {

Poco::Timespan ms(int64_t v) { return Poco::Timespan(v * 1000); }

int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Answer call(const Endpoint& to, const Request& r) {
    const std::string bytes = frame(encodeRequest(r, to.charset));
    Poco::Net::StreamSocket s;
    try {
        s.connect(Poco::Net::SocketAddress(to.host, static_cast<Poco::UInt16>(to.port)), ms(to.connectTimeoutMs));
        s.setSendTimeout(ms(to.writeTimeoutMs));
        size_t sent = 0;
        while (sent < bytes.size()) {
            const int n = s.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
            if (n <= 0) throw TransportError("the connection closed while the request was sent");
            sent += static_cast<size_t>(n);
        }
        // The whole answer within answerTimeoutMs of the request being sent.
        const int64_t deadline = nowMs() + to.answerTimeoutMs;
        std::string buf;
        char chunk[16 * 1024];
        for (;;) {
            const net::FrameScan f = framer()->scan(buf, 0, to.maxAnswerBytes);
            if (f.kind == net::FrameScan::Kind::Error) throw TransportError("answer framing: " + f.error);
            if (f.kind == net::FrameScan::Kind::Frame) {
                try {
                    return decodeAnswer(std::string_view(buf).substr(f.payloadOffset, f.payloadBytes), to.charset, r);
                } catch (const HisError& e) {
                    throw TransportError(e.what());
                }
            }
            const int64_t left = deadline - nowMs();
            if (left <= 0) throw TransportError("no answer within " + std::to_string(to.answerTimeoutMs) + " ms");
            s.setReceiveTimeout(ms(left));
            const int n = s.receiveBytes(chunk, sizeof chunk);
            if (n <= 0)
                throw TransportError(buf.empty() ? "the HIS closed the connection without an answer"
                                                 : "the HIS closed the connection in the middle of its answer");
            buf.append(chunk, static_cast<size_t>(n));
        }
    } catch (const Poco::TimeoutException&) {
        throw TransportError("timed out talking to " + to.host + ":" + std::to_string(to.port));
    } catch (const Poco::Exception& e) {
        throw TransportError(e.displayText());
    }
}

}  // namespace medbox::hisbridge::his
