#pragma once
// The error domain code and handlers throw, whatever protocol carried the
// request: a kind from the one table (ErrorCodes.h), a message a person can
// act on, and the field it concerns. Caught at the protocol boundary: the
// HTTP server renders it as {"error":{"code","message","field"}} with the
// kind's status; an HL7 listener answers a NAK with the kind's
// acknowledgement code and an ERR segment (docs/errors.md).
#include "core/error/ErrorCodes.h"
#include <stdexcept>
#include <string>

namespace medbox {

class AppError : public std::runtime_error {
public:
    AppError(Err err, std::string message, std::string field = {})
        : std::runtime_error(std::move(message)), err_(err), field_(std::move(field)) {}
    Err err() const { return err_; }
    const std::string& field() const { return field_; }

private:
    Err err_;
    std::string field_;
};

}  // namespace medbox
