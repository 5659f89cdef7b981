#pragma once
// The exception a handler throws to answer with an error. Caught by the server
// at the request boundary and rendered as {"error":{"code","message","field"}}.
#include "http/ErrorCodes.h"
#include <stdexcept>
#include <string>

namespace medbox {

class ApiError : public std::runtime_error {
public:
    ApiError(Err err, std::string message, std::string field = {})
        : std::runtime_error(std::move(message)), err_(err), field_(std::move(field)) {}
    Err err() const { return err_; }
    const std::string& field() const { return field_; }

private:
    Err err_;
    std::string field_;
};

}  // namespace medbox
