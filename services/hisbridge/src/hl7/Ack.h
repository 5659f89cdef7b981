#pragma once
// Original-mode acknowledgements (v2.5.1 2.9.2): MSA-1 AA when the message
// is durably stored, AE/AR with an ERR segment otherwise (docs/errors.md,
// "Writing the NAK"). Our messages use the delimiters |^~\& and are ASCII
// apart from the echoed header fields.
#include "core/error/AppError.h"
#include "hl7/Message.h"
#include <cstdint>
#include <optional>
#include <string>

namespace medbox::hisbridge::hl7 {

// What an ERR segment says.
struct ErrorDetail {
    std::string ackCode;   // MSA-1: "AE" or "AR"
    int hl7Code = 207;     // ERR-3, HL7 table 0357
    std::string location;  // ERR-2 as "PID-3" or "PID-3.1" ("" when none)
    std::string appCode;   // ERR-5: our code ("missing_field")
    std::string text;      // ERR-8: what is wrong, never patient data
};

// AppError to ERR fields: the kind gives MSA-1 (core/error) and our code;
// the field ("PID-3", "MSH-9") gives ERR-2 and, with the kind, ERR-3.
ErrorDetail errorDetail(const AppError& e);
// Table 0357's text for a code ("Required field missing").
std::string_view hl7ErrorText(int code);
// ERR-2 (an ERL: segment^sequence^field^repetition^component) from "PID-3" or
// "PID-3.1"; empty for anything else.
std::string erl(const std::string& location);

// The ACK for `in` (null: the message could not be parsed; the header then
// names nobody and MSA-2 is empty). controlId: MSH-10 of the ACK itself.
std::string buildAck(const Message* in, const std::optional<ErrorDetail>& error, int64_t nowMs,
                     const std::string& controlId);

// HL7 DTM in UTC: YYYYMMDDHHMMSS+0000.
std::string hl7Time(int64_t ms);

}  // namespace medbox::hisbridge::hl7
