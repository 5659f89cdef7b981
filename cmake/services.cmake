# The one list of medbox services. Everything that names a service reads it:
#
#   services/CMakeLists.txt          which folders are built
#   cmake/medbox.cmake               <name>/ServiceRow.h: the App's name and default port
#   cmake/packaging.cmake            one Debian package per built service
#   appliance/systemd/               units (one template), sysusers.d, presets
#   appliance/firewall/src/Services  the listening ports (generated ServiceTable.h)
#   tests/lib/harness.mjs            <build>/medbox-services.json
#
# A row: medbox_service_row(NAME PORT <tcp port> INBOUND <yes|no>
#          PRESET <enable|disable> SUMMARY "<what it does>" WHY "<why the preset>")
#   NAME     [a-z][a-z0-9]*; binary medbox-NAME, unit medbox-NAME.service,
#            system user medbox-NAME, package medbox-NAME, folder services/NAME
#   PORT     the HTTPS port the service listens on by default (http.port)
#   INBOUND  whether the firewall may grant LAN peers or the gap device access
#            ("inbound" in its configuration, docs/firewall.md); otherwise the
#            port stays in its own zone or internal to the appliance
#   PRESET   enable or disable in presets/80-medbox.preset; WHY is the comment
#            above that line (systemd.preset(5) allows no trailing comment)
#   SUMMARY  the unit's Description=, the package summary, the user's GECOS
#
# Rows of services whose folder does not exist yet stay here: their ports are
# reserved in the firewall and the harness knows their names; only existing
# folders get a binary, a unit, a user, a preset and a package.
# scripts/new-service.sh adds a row and the folder.
include_guard(GLOBAL)

set(MEDBOX_SERVICES "")

function(medbox_service_row name)
  cmake_parse_arguments(PARSE_ARGV 1 row "" "PORT;INBOUND;PRESET;SUMMARY;WHY" "")
  if(NOT name MATCHES "^[a-z][a-z0-9]*$")
    message(FATAL_ERROR "cmake/services.cmake: service name \"${name}\": expected [a-z][a-z0-9]*")
  endif()
  if(name IN_LIST MEDBOX_SERVICES)
    message(FATAL_ERROR "cmake/services.cmake: service ${name} is listed twice")
  endif()
  if(NOT row_PORT MATCHES "^[1-9][0-9]*$" OR row_PORT GREATER 65535)
    message(FATAL_ERROR "cmake/services.cmake: ${name}: PORT \"${row_PORT}\": expected 1-65535")
  endif()
  foreach(other IN LISTS MEDBOX_SERVICES)
    if(MEDBOX_SERVICE_${other}_PORT EQUAL row_PORT)
      message(FATAL_ERROR "cmake/services.cmake: ${name}: PORT ${row_PORT} is already ${other}'s")
    endif()
  endforeach()
  if(NOT row_INBOUND MATCHES "^(yes|no)$" OR NOT row_PRESET MATCHES "^(enable|disable)$")
    message(FATAL_ERROR "cmake/services.cmake: ${name}: INBOUND must be yes|no and PRESET enable|disable")
  endif()
  if("${row_SUMMARY}" STREQUAL "" OR "${row_WHY}" STREQUAL "" OR row_SUMMARY MATCHES "[\"\\\\]" OR row_WHY MATCHES "[\"\\\\]")
    message(FATAL_ERROR "cmake/services.cmake: ${name}: SUMMARY and WHY are required, without quotes or backslashes")
  endif()
  list(APPEND MEDBOX_SERVICES ${name})
  set(MEDBOX_SERVICES "${MEDBOX_SERVICES}" PARENT_SCOPE)
  foreach(col PORT INBOUND PRESET SUMMARY WHY)
    set(MEDBOX_SERVICE_${name}_${col} "${row_${col}}" PARENT_SCOPE)
  endforeach()
endfunction()

# --- the table ----------------------------------------------------------------
medbox_service_row(console PORT 9443 INBOUND no PRESET enable
  SUMMARY "staff identity, admin web console, appliance control"
  WHY "The console is how hospital IT installs, operates, backs up and restores the appliance and how staff sign in; every deployment needs it.")
medbox_service_row(booking PORT 8444 INBOUND no PRESET enable
  SUMMARY "schedules, appointments, check-in, queue"
  WHY "Booking owns schedules, slots, appointments, check-in and the queue; no deployment works without it.")
medbox_service_row(portal PORT 8443 INBOUND no PRESET enable
  SUMMARY "patient web portal"
  WHY "The portal is how patients book; it runs on the front-end server.")
medbox_service_row(hisbridge PORT 8445 INBOUND no PRESET enable
  SUMMARY "bridge to the hospital information system"
  WHY "The HIS bridge carries registrations and cancellations to the hospital information system.")
medbox_service_row(alerting PORT 8446 INBOUND no PRESET enable
  SUMMARY "alerts and escalations"
  WHY "Alerting tells staff about failures and escalates what nobody acknowledged.")
medbox_service_row(servicedesk PORT 8447 INBOUND yes PRESET enable
  SUMMARY "IT service desk for hospital staff"
  WHY "The service desk is where staff report IT problems.")
# --- end of the table (scripts/new-service.sh adds rows above this line) ------

# Services whose folder exists: they get a binary, unit, user, preset, package.
# A service folder without a row would silently not be built: refuse it.
set(MEDBOX_SERVICE_FOLDERS "")
foreach(svc IN LISTS MEDBOX_SERVICES)
  if(EXISTS "${PROJECT_SOURCE_DIR}/services/${svc}/CMakeLists.txt")
    list(APPEND MEDBOX_SERVICE_FOLDERS ${svc})
  endif()
endforeach()
file(GLOB folders RELATIVE "${PROJECT_SOURCE_DIR}/services" "${PROJECT_SOURCE_DIR}/services/*/CMakeLists.txt")
foreach(f IN LISTS folders)
  get_filename_component(svc "${f}" DIRECTORY)
  if(NOT svc IN_LIST MEDBOX_SERVICES)
    message(FATAL_ERROR "services/${svc} has no row in cmake/services.cmake (scripts/new-service.sh adds one)")
  endif()
endforeach()
# cmake -P (cmake/tests/services_table_test.cmake) checks the table only.
if(CMAKE_SCRIPT_MODE_FILE)
  return()
endif()

# medbox_capitalize(OUT name): booking -> Booking (class and constant names).
function(medbox_capitalize out name)
  string(SUBSTRING "${name}" 0 1 first)
  string(SUBSTRING "${name}" 1 -1 rest)
  string(TOUPPER "${first}" first)
  set(${out} "${first}${rest}" PARENT_SCOPE)
endfunction()

# Writes FILE with CONTENT only when it changed, so generated headers do not
# rebuild their includers at every configure.
function(medbox_write_if_changed file content)
  if(EXISTS "${file}")
    file(READ "${file}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${file}" "${content}")
endfunction()

# --- generated from the table ---------------------------------------------------
# <build>/generated/medbox/ServiceTable.h: every row, for code that needs all
# of them (the firewall, the console's list of token readers). Header-only
# target medbox_service_table.
set(medbox_generated "${CMAKE_BINARY_DIR}/generated")
set(rows "")
set(consts "")
foreach(svc IN LISTS MEDBOX_SERVICES)
  medbox_capitalize(Svc "${svc}")
  if(MEDBOX_SERVICE_${svc}_INBOUND STREQUAL "yes")
    set(inbound true)
  else()
    set(inbound false)
  endif()
  string(APPEND rows "    ServiceRow{\"${svc}\", ${MEDBOX_SERVICE_${svc}_PORT}, ${inbound}, \"${MEDBOX_SERVICE_${svc}_SUMMARY}\"},\n")
  string(APPEND consts "inline constexpr std::uint16_t k${Svc}Port = ${MEDBOX_SERVICE_${svc}_PORT};\n")
endforeach()
list(LENGTH MEDBOX_SERVICES count)
medbox_write_if_changed("${medbox_generated}/medbox/ServiceTable.h" "#pragma once
// Generated from cmake/services.cmake by CMake; edit the table, not this file.
#include <array>
#include <cstdint>
#include <string_view>

namespace medbox::service_table {

struct ServiceRow {
    std::string_view name;
    std::uint16_t port;   // default http.port
    bool inbound;         // the firewall may open it to LAN peers
    std::string_view summary;
};

inline constexpr std::array<ServiceRow, ${count}> kRows{
${rows}};

${consts}
}  // namespace medbox::service_table
")
add_library(medbox_service_table INTERFACE)
target_include_directories(medbox_service_table INTERFACE "${medbox_generated}")

# <build>/medbox-services.json: the table for the node tests (tests/lib/harness.mjs).
set(json "")
foreach(svc IN LISTS MEDBOX_SERVICES)
  if(NOT json STREQUAL "")
    string(APPEND json ",\n")
  endif()
  if(svc IN_LIST MEDBOX_SERVICE_FOLDERS)
    set(has_folder true)
  else()
    set(has_folder false)
  endif()
  string(APPEND json "  {\"name\": \"${svc}\", \"port\": ${MEDBOX_SERVICE_${svc}_PORT}, \"user\": \"medbox-${svc}\", \"folder\": ${has_folder}, \"summary\": \"${MEDBOX_SERVICE_${svc}_SUMMARY}\"}")
endforeach()
medbox_write_if_changed("${CMAKE_BINARY_DIR}/medbox-services.json" "[\n${json}\n]\n")
