#pragma once
// Logging set-up: one line per event, "time level logger: message key=value",
// to stderr (the journal under systemd). Every message passes the masking
// channel. Use one logger per area: Poco::Logger::get("booking.store").
#include <string>

namespace medbox::log {

// level: "trace".."fatal"; called once by ServiceApp before anything logs.
void setup(const std::string& level);

}  // namespace medbox::log
