#pragma once
// What a handler sees of an HTTP request: method, path parameters, query,
// headers, the body (read whole and size-limited by the server before the
// handler runs), the JSON body (parsed once) and the authenticated
// principal. Lives for one request, used by one worker thread.
#include "core/auth/Principal.h"
#include "core/http/JsonBody.h"
#include "core/http/RequestHead.h"
#include <Poco/JSON/Object.h>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace medbox {

class Request {
public:
    // head and clientAddress outlive the request (the server's).
    Request(const http1::RequestHead& head, std::string body, std::string path, std::string query,
            const std::string& clientAddress);

    const std::string& method() const { return head_.method; }
    const std::string& path() const { return path_; }
    // A path parameter declared as {name} in the route; throws NotFound if absent.
    const std::string& param(const std::string& name) const;
    // Path parameter as a positive integer id; a non-number is NotFound.
    int64_t idParam(const std::string& name) const;
    std::optional<std::string> query(const std::string& name) const;
    // Query parameter validated as an integer in range (InvalidField otherwise).
    std::optional<int64_t> queryInt(const std::string& name, int64_t min, int64_t max) const;
    // Query parameter as an instant, in microseconds since 1970: ISO 8601 with
    // "Z" or an offset (core/time parseIsoMicros); InvalidField otherwise.
    std::optional<int64_t> queryInstantUs(const std::string& name) const;
    std::string header(const std::string& name, const std::string& def = {}) const;
    const std::string& clientAddress() const { return clientAddress_; }

    // The body as a JSON object; 400/415 with a clear message otherwise.
    JsonBody json();
    // The raw body bytes (at most http.max_body_bytes).
    const std::string& body() const { return body_; }

    const std::optional<Principal>& principal() const { return principal_; }
    // The principal's name for audit rows ("anonymous" when none).
    std::string actor() const;
    const std::string& requestId() const { return requestId_; }

    // Set by the router.
    std::map<std::string, std::string>& params() { return params_; }
    void setPrincipal(Principal p, bool viaCookie = false) {
        principal_ = std::move(p);
        viaCookie_ = viaCookie;
    }
    // The principal came from the staff cookie (a browser), not a bearer
    // header: sign-in answers then set the cookie rather than return the token.
    bool viaCookie() const { return viaCookie_; }
    void setRequestId(std::string id) { requestId_ = std::move(id); }
    // When the request's TCP connection was accepted (wall clock ms; 0 when
    // unknown): an answer that must come over a connection opened after some
    // event (the firewall page's confirm) compares it.
    int64_t connectionOpenedAtMs() const { return connectionOpenedAtMs_; }
    void setConnectionOpenedAtMs(int64_t ms) { connectionOpenedAtMs_ = ms; }
    const std::string& routePattern() const { return routePattern_; }
    void setRoutePattern(std::string p) { routePattern_ = std::move(p); }

private:
    const http1::RequestHead& head_;
    std::string body_;
    std::string path_;
    std::string query_;
    const std::string& clientAddress_;
    std::map<std::string, std::string> params_;
    mutable std::optional<std::map<std::string, std::string>> queryMap_;
    std::optional<Principal> principal_;
    bool viaCookie_ = false;
    int64_t connectionOpenedAtMs_ = 0;
    std::string requestId_;
    std::string routePattern_;
};

// The answer a handler builds. Default: 200 with an empty JSON object.
class Reply {
public:
    void status(int s) { status_ = s; }
    int status() const { return status_; }
    void json(const Poco::JSON::Object::Ptr& obj);
    void json(const Poco::JSON::Array::Ptr& arr);
    // Pre-serialised JSON (e.g. from a cache).
    void rawJson(std::string text);
    void content(std::string contentType, std::string bytes);
    void header(const std::string& name, const std::string& value) { headers_[name] = value; }

    const std::string& contentType() const { return contentType_; }
    const std::string& bytes() const { return bytes_; }
    const std::map<std::string, std::string>& headers() const { return headers_; }

private:
    int status_ = 200;
    std::string contentType_ = "application/json";
    std::string bytes_ = "{}";
    std::map<std::string, std::string> headers_;
};

}  // namespace medbox
