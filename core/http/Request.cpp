#include "core/http/Request.h"
#include "core/time/IsoTime.h"

#include "core/error/AppError.h"
#include "core/http/JsonText.h"

#include <Poco/URI.h>

#include <charconv>

namespace medbox {

Request::Request(const http1::RequestHead& head, std::string body, std::string path, std::string query,
                 const std::string& clientAddress)
    : head_(head),
      body_(std::move(body)),
      path_(std::move(path)),
      query_(std::move(query)),
      clientAddress_(clientAddress) {}

const std::string& Request::param(const std::string& name) const {
    auto it = params_.find(name);
    if (it == params_.end()) throw AppError(Err::NotFound, "missing path parameter " + name);
    return it->second;
}

int64_t Request::idParam(const std::string& name) const {
    const std::string& s = param(name);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0)
        throw AppError(Err::NotFound, name + " '" + s + "' does not exist", name);
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
            throw AppError(Err::BadRequest, "malformed query string");
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
        throw AppError(Err::InvalidField,
                       name + " must be an integer between " + std::to_string(min) + " and " + std::to_string(max),
                       name);
    return v;
}

std::optional<int64_t> Request::queryInstantUs(const std::string& name) const {
    auto s = query(name);
    if (!s) return std::nullopt;
    const auto us = parseIsoMicros(*s);
    if (!us) {
        throw AppError(Err::InvalidField,
                       name + ": an ISO 8601 time with Z or an offset, e.g. 2026-12-03T08:00:00+08:00", name);
    }
    return us;
}

std::string Request::header(const std::string& name, const std::string& def) const {
    const std::string* v = head_.find(name);
    return v ? *v : def;
}

JsonBody Request::json() {
    const std::string* ct = head_.find("Content-Type");
    if (!ct || ct->rfind("application/json", 0) != 0)
        throw AppError(Err::UnsupportedMedia, "Content-Type must be application/json");
    return JsonBody::parse(body_);
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
