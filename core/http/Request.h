#pragma once
// What a handler sees of an HTTP request: method, path parameters, query,
// headers, the JSON body (parsed once, size-limited) and the authenticated
// principal. Lives for one request, used by one worker thread.
#include "auth/Principal.h"
#include "http/JsonBody.h"
#include <Poco/JSON/Object.h>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace Poco::Net { class HTTPServerRequest; }

namespace medbox {

class Request {
public:
    Request(Poco::Net::HTTPServerRequest& req, std::string path, std::string query, size_t maxBody);

    const std::string& method() const;
    const std::string& path() const { return path_; }
    // A path parameter declared as {name} in the route; throws NotFound if absent.
    const std::string& param(const std::string& name) const;
    // Path parameter as a positive integer id; a non-number is NotFound.
    int64_t idParam(const std::string& name) const;
    std::optional<std::string> query(const std::string& name) const;
    // Query parameter validated as an integer in range (InvalidField otherwise).
    std::optional<int64_t> queryInt(const std::string& name, int64_t min, int64_t max) const;
    std::string header(const std::string& name, const std::string& def = {}) const;
    std::string clientAddress() const;

    // The body as a JSON object; 400/413/415 with a clear message otherwise.
    JsonBody json();
    // The raw body bytes (size-limited).
    const std::string& body();

    const std::optional<Principal>& principal() const { return principal_; }
    // The principal's name for audit rows ("anonymous" when none).
    std::string actor() const;
    const std::string& requestId() const { return requestId_; }

    // Set by the router.
    std::map<std::string, std::string>& params() { return params_; }
    void setPrincipal(Principal p) { principal_ = std::move(p); }
    void setRequestId(std::string id) { requestId_ = std::move(id); }
    const std::string& routePattern() const { return routePattern_; }
    void setRoutePattern(std::string p) { routePattern_ = std::move(p); }

private:
    Poco::Net::HTTPServerRequest& req_;
    std::string path_;
    std::string query_;
    size_t maxBody_;
    std::map<std::string, std::string> params_;
    mutable std::optional<std::map<std::string, std::string>> queryMap_;
    std::optional<std::string> body_;
    std::optional<Principal> principal_;
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
