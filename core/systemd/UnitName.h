#pragma once
// Which unit names medbox may touch. medboxctl runs as root and can reach
// every unit over the bus; the console runs as medbox-console, which polkit
// admits to medbox units only (appliance/systemd/polkit/50-medbox-console.rules).
// This is the gate that keeps both to medbox's own units: only "medbox-NAME.service" and "medbox-NAME.timer"
// (optionally "medbox-NAME@INSTANCE.*"), in a strict character set that
// leaves no room for paths, escapes ("\x2f") or globs. Pure functions.
#include <string>
#include <string_view>

namespace medbox::systemd {

// systemd's own limit (UNIT_NAME_MAX is 256 including the terminating NUL).
inline constexpr std::size_t kMaxUnitNameLength = 255;

// Empty when name is a medbox unit that may be managed; otherwise a sentence
// saying why not (for the user, without the name's raw bytes if unprintable).
std::string whyNotMedboxUnit(std::string_view name);

inline bool isMedboxUnitName(std::string_view name) { return whyNotMedboxUnit(name).empty(); }

// Turns what a user types into a full unit name and validates it:
// "booking" and "medbox-booking" become "medbox-booking.service"; a name with
// a suffix must already be a full medbox name ("medbox-backup.timer").
// Throws Error(InvalidUnitName) otherwise, e.g. for "ssh.service".
std::string resolveMedboxUnit(std::string_view input);

// Throws Error(InvalidUnitName) unless isMedboxUnitName(name).
void requireMedboxUnitName(std::string_view name);

}  // namespace medbox::systemd
