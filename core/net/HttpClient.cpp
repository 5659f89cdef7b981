#include "core/net/HttpClient.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <istream>
#include <memory>

namespace medbox {

namespace {

// A peer's answer is an acknowledgement or a short error; anything longer is
// cut so a misbehaving peer cannot make us buffer without bound.
constexpr size_t kMaxResponseBytes = 1024 * 1024;

}  // namespace

HttpClient::HttpClient(Poco::Net::Context::Ptr tls, int timeoutSeconds)
    : tls_(std::move(tls)), timeoutSeconds_(timeoutSeconds) {}

HttpResult HttpClient::postJson(const std::string& url, const std::string& json, const std::string& bearer,
                                const std::string& messageId) {
    return send(Poco::Net::HTTPRequest::HTTP_POST, url, &json, bearer, messageId);
}

HttpResult HttpClient::get(const std::string& url, const std::string& bearer) {
    return send(Poco::Net::HTTPRequest::HTTP_GET, url, nullptr, bearer, {});
}

// json: the body to send, or null for none.
HttpResult HttpClient::send(const std::string& method, const std::string& url, const std::string* json,
                            const std::string& bearer, const std::string& messageId) {
    HttpResult result;
    try {
        Poco::URI uri(url);
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (uri.getScheme() == "https") {
            if (!tls_) return HttpResult{0, "", "https URL but no TLS client context configured"};
            session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), tls_);
        } else if (uri.getScheme() == "http") {
            session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        } else {
            return HttpResult{0, "", "unsupported URL scheme in '" + url + "'"};
        }
        session->setTimeout(Poco::Timespan(timeoutSeconds_, 0));
        session->setKeepAlive(false);

        // (not `target = "/"`: GCC 12 reports a false -Wrestrict on that at -O2)
        const std::string target = uri.getPathEtc().empty() ? std::string(1, '/') : uri.getPathEtc();
        Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        if (json) {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(json->size()));
        }
        if (!bearer.empty()) request.set("Authorization", "Bearer " + bearer);
        if (!messageId.empty()) request.set("Message-Id", messageId);
        std::ostream& out = session->sendRequest(request);
        if (json) out << *json;

        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        result.status = static_cast<int>(response.getStatus());
        char buf[8192];
        while (result.body.size() < kMaxResponseBytes && in.read(buf, sizeof buf).gcount() > 0) {
            result.body.append(buf, static_cast<size_t>(in.gcount()));
        }
        if (result.body.size() > kMaxResponseBytes) result.body.resize(kMaxResponseBytes);
        return result;
    } catch (const Poco::Exception& e) {
        return HttpResult{0, "", e.displayText()};
    } catch (const std::exception& e) {
        return HttpResult{0, "", e.what()};
    }
}

}  // namespace medbox
