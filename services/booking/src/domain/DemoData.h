#pragma once
// A believable demo hospital: departments, doctors with Chinese names, and
// schedules from today (per the injected clock) through the release horizon.
// Loaded at start when booking.demo_data=true and the database has no
// department yet, so a restart never duplicates it.
#include "domain/BookingEnv.h"

namespace medbox::booking {

// True when it loaded the data (false: the catalogue was not empty).
bool loadDemoData(BookingEnv& env);

}  // namespace medbox::booking
