#pragma once
// Instants as ISO 8601 UTC text, the form every API and message envelope
// uses ("2026-01-01T00:15:00Z"). Pure functions; any thread.
#include <cstdint>
#include <string>

namespace medbox {

// Whole seconds: "2026-01-01T00:15:00Z" (API times of the console).
std::string isoUtc(int64_t ms);
// With milliseconds: "2026-01-01T00:15:00.250Z" (outbox envelopes).
std::string isoUtcMillis(int64_t ms);
// With microseconds: "2026-01-01T00:15:00.250001Z" (systemd's timestamps).
std::string isoUtcMicros(int64_t us);

}  // namespace medbox
