#pragma once
// Instants as ISO 8601 UTC text, the form every API and message envelope
// uses ("2026-01-01T00:15:00Z"). Pure functions; any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace medbox {

// Whole seconds: "2026-01-01T00:15:00Z" (API times of the console).
std::string isoUtc(int64_t ms);
// With milliseconds: "2026-01-01T00:15:00.250Z" (outbox envelopes).
std::string isoUtcMillis(int64_t ms);
// With microseconds: "2026-01-01T00:15:00.250001Z" (systemd's timestamps).
std::string isoUtcMicros(int64_t us);

// The instant a client wrote, in microseconds since 1970: strictly
// "YYYY-MM-DDTHH:MM:SS" with an optional fraction (1-9 digits) and "Z" or an
// offset "+HH:MM"/"-HH:MM"; years 1970-9999. nullopt for anything else (no
// local times without an offset, no spaces, no out-of-range fields).
std::optional<int64_t> parseIsoMicros(std::string_view text);

}  // namespace medbox
