#include "http/Request.h"

#include "http/ApiError.h"
#include "http/JsonText.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>

#include <charconv>

namespace medbox {

Request::Request(Poco::Net::HTTPServerRequest& req, std::string path, std::string query, size_t maxBody)
    : req_(req), path_(std::move(path)), query_(std::move(query)), maxBody_(maxBody) {}

const std::string& Request::method() const { return req_.getMethod(); }

const std::string& Request::param(const std::string& name) const {
    auto it = params_.find(name);
    if (it == params_.end()) throw ApiError(Err::NotFound, "missing path parameter " + name);
    return it->second;
}

int64_t Request::idParam(const std::string& name) const {
    const std::string& s = param(name);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0)
        throw ApiError(Err::NotFound, name + " '" + s + "' does not exist", name);
    return v;
}

std::optional<std::string> Request::query(const std::string& name) const {
    if (!queryMap_) {
        queryMap_.emplace();
        try {
            Poco::URI uri;
            uri.setRawQuery(query_);
            for (auto& [k, v] : uri.getQueryParameters()) queryMap_->emplace(k, v);
        } catch (const Poco::Exception&) {
            throw ApiError(Err::BadRequest, "malformed query string");
        }
    }
    auto it = queryMap_->find(name);
    if (it == queryMap_->end()) return std::nullopt;
    return it->second;
}

std::optional<int64_t> Request::queryInt(const std::string& name, int64_t min, int64_t max) const {
    auto s = query(name);
    if (!s) return std::nullopt;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc() || p != s->data() + s->size() || v < min || v > max)
        throw ApiError(Err::InvalidField,
                       name + " must be an integer between " + std::to_string(min) + " and " + std::to_string(max), name);
    return v;
}

std::string Request::header(const std::string& name, const std::string& def) const { return req_.get(name, def); }

std::string Request::clientAddress() const { return req_.clientAddress().host().toString(); }

const std::string& Request::body() {
    if (body_) return *body_;
    // A request with neither Content-Length nor chunked Transfer-Encoding has
    // no body (RFC 9112, 6.3). Poco would read it until the client closes the
    // connection: "curl -X POST" without data would hang for the I/O timeout,
    // and a keep-alive client's next request would be swallowed as the body.
    if (!req_.hasContentLength() && !req_.getChunkedTransferEncoding()) {
        body_ = std::string();
        return *body_;
    }
    if (req_.hasContentLength() && req_.getContentLength64() > static_cast<int64_t>(maxBody_))
        throw ApiError(Err::PayloadTooLarge, "request body is larger than " + std::to_string(maxBody_) + " bytes");
    std::string data;
    std::istream& in = req_.stream();
    char buf[8192];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        data.append(buf, static_cast<size_t>(in.gcount()));
        if (data.size() > maxBody_)
            throw ApiError(Err::PayloadTooLarge, "request body is larger than " + std::to_string(maxBody_) + " bytes");
    }
    body_ = std::move(data);
    return *body_;
}

JsonBody Request::json() {
    const std::string& ct = req_.getContentType();
    if (ct.rfind("application/json", 0) != 0)
        throw ApiError(Err::UnsupportedMedia, "Content-Type must be application/json");
    const std::string& text = body();
    if (text.empty()) throw ApiError(Err::BadRequest, "request body is empty; a JSON object is expected");
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v;
    try {
        v = parser.parse(text);
    } catch (const Poco::Exception& e) {
        throw ApiError(Err::BadRequest, "request body is not valid JSON: " + e.message());
    }
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw ApiError(Err::BadRequest, "request body must be a JSON object");
    return JsonBody(v.extract<Poco::JSON::Object::Ptr>());
}

std::string Request::actor() const {
    if (!principal_) return "anonymous";
    return (principal_->kind == Principal::Kind::Staff ? "staff:" : "service:") + principal_->subject;
}

void Reply::json(const Poco::JSON::Object::Ptr& obj) {
    contentType_ = "application/json";
    bytes_ = json::text(obj);
}

void Reply::json(const Poco::JSON::Array::Ptr& arr) {
    contentType_ = "application/json";
    bytes_ = json::text(arr);
}

void Reply::rawJson(std::string text) {
    contentType_ = "application/json";
    bytes_ = std::move(text);
}

void Reply::content(std::string contentType, std::string bytes) {
    contentType_ = std::move(contentType);
    bytes_ = std::move(bytes);
}

}  // namespace medbox
