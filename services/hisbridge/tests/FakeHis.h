#pragma once
// A fake HIS for the sender's tests: the core's TcpListener with the 8-digit
// framer and a scripted answer per request, and booking's messages to feed
// the sender (booking.created / booking.cancelled payloads).
#include "core/net/TcpListener.h"
#include "his/Envelope.h"
#include <Poco/JSON/Parser.h>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace medbox::hisbridge::testing {

using namespace std::chrono_literals;

inline Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

inline std::string created(int64_t appointmentId, const std::string& documentNumber) {
    return R"({"appointmentId":)" + std::to_string(appointmentId) +
           R"(,"scheduleId":1,"date":"2026-12-07","session":"morning","patient":{"name":"张三",)"
           R"("documentType":"resident_id","documentNumber":")" +
           documentNumber + R"(","phone":"13800138000"}})";
}
inline std::string cancelled(int64_t appointmentId, const std::string& documentNumber) {
    return R"({"appointmentId":)" + std::to_string(appointmentId) +
           R"(,"reason":"patient","documentType":"resident_id","documentNumber":")" + documentNumber + R"("})";
}

// The HIS: answers each request with the next scripted code ("0000" when the
// script is empty); "hang" waits past the client's timeout, "garbage" answers
// a body that is not JSON. Logs (txn, requestId) of every request it read.
class FakeHis {
public:
    FakeHis() {
        net::TcpListenerOptions o;
        o.oneFramePerConnection = true;
        listener_ = std::make_unique<net::TcpListener>(
            o, his::framer(), [this](std::string_view body, const net::Peer&) -> std::optional<std::string> {
                const his::Request r = his::decodeRequest(body, his::Charset::Utf8);
                std::string code = "0000";
                {
                    std::lock_guard l(m_);
                    log_.push_back(r.txn + " " + r.requestId);
                    if (!script_.empty()) {
                        code = script_.front();
                        script_.pop_front();
                    }
                }
                if (code == "hang") std::this_thread::sleep_for(700ms);
                if (code == "garbage") return std::string("not json");
                his::Answer a;
                a.txn = r.txn;
                a.requestId = r.requestId;
                a.code = code == "hang" ? "0000" : code;
                a.message = code == "2001" ? "号源已被占用" : "ok";
                return his::encodeAnswer(a, his::Charset::Utf8);
            });
        listener_->start();
    }
    ~FakeHis() { listener_->stop(); }
    int port() const { return listener_->port(); }
    void script(std::initializer_list<std::string> codes) {
        std::lock_guard l(m_);
        script_.insert(script_.end(), codes.begin(), codes.end());
    }
    std::vector<std::string> log() {
        std::lock_guard l(m_);
        return log_;
    }

private:
    std::mutex m_;
    std::deque<std::string> script_;
    std::vector<std::string> log_;
    std::unique_ptr<net::TcpListener> listener_;
};

}  // namespace medbox::hisbridge::testing
