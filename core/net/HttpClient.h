#pragma once
// A small JSON-over-HTTP(S) client for calls between services (outbox
// delivery, the revocation poll). Not thread-safe: one per calling thread.
#include <Poco/Net/Context.h>
#include <string>

namespace medbox {

struct HttpResult {
    int status = 0;  // 0: no answer (connect/TLS/timeout error)
    std::string body;
    std::string error;  // transport error text when status == 0
};

class HttpClient {
public:
    HttpClient(Poco::Net::Context::Ptr tls, int timeoutSeconds);
    // url: http(s)://host:port/path
    HttpResult postJson(const std::string& url, const std::string& json, const std::string& bearer,
                        const std::string& messageId = {});
    HttpResult get(const std::string& url, const std::string& bearer);

private:
    HttpResult send(const std::string& method, const std::string& url, const std::string* json,
                    const std::string& bearer, const std::string& messageId);

    Poco::Net::Context::Ptr tls_;
    int timeoutSeconds_;
};

}  // namespace medbox
