#pragma once
// Typed, validating access to a JSON request body. Every failed check throws
// AppError naming the field and why; nothing is half-applied because handlers
// validate before they write.
#include <Poco/JSON/Object.h>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace medbox {

class JsonBody {
public:
    explicit JsonBody(Poco::JSON::Object::Ptr obj, std::string prefix = {});
    // A request body as sent: throws AppError(BadRequest) unless it is one
    // JSON object. The only way a body's bytes become a JsonBody (Request::json,
    // core/http/fuzz/JsonBodyFuzz.cpp).
    static JsonBody parse(const std::string& text);

    // Rejects any field not in the list (UnknownField).
    void allowOnly(const std::vector<std::string>& fields) const;

    std::string str(const std::string& f, size_t maxLen = 200) const;  // required, non-empty
    std::optional<std::string> optStr(const std::string& f, size_t maxLen = 200) const;
    int64_t integer(const std::string& f, int64_t min, int64_t max) const;
    std::optional<int64_t> optInteger(const std::string& f, int64_t min, int64_t max) const;
    bool boolean(const std::string& f) const;
    std::optional<bool> optBoolean(const std::string& f) const;
    // One of the listed words.
    std::string oneOf(const std::string& f, const std::vector<std::string>& allowed) const;
    // YYYY-MM-DD (a real calendar date).
    std::string date(const std::string& f) const;
    // HH:MM, 00:00-23:59.
    std::string timeOfDay(const std::string& f) const;
    JsonBody object(const std::string& f) const;
    Poco::JSON::Array::Ptr array(const std::string& f, size_t maxItems) const;
    bool has(const std::string& f) const;

    const Poco::JSON::Object::Ptr& raw() const { return obj_; }
    std::string path(const std::string& f) const { return prefix_.empty() ? f : prefix_ + "." + f; }

private:
    Poco::JSON::Object::Ptr obj_;
    std::string prefix_;
};

// Validators shared with query parameters.
bool isDate(const std::string& s);       // YYYY-MM-DD, real date
bool isTimeOfDay(const std::string& s);  // HH:MM

}  // namespace medbox
