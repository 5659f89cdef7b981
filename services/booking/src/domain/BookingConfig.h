#pragma once
// The booking service's configuration: every booking.* key is read here, once
// at start (BookingApp::configure()), into the rules the domain applies
// (BookingRules.h; keys, defaults and ranges in docs/booking.md). Read-only
// afterwards.
#include "domain/BookingRules.h"

namespace medbox {
class Settings;
}

namespace medbox::booking {

// Booking's configuration is its rules: each key is one of them.
using BookingConfig = BookingRules;

// Throws ConfigError naming the key for a bad value.
BookingConfig readBookingConfig(const Settings& settings);

}  // namespace medbox::booking
