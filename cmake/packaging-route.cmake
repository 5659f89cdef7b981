# Fills one medbox Debian package at cpack time (see cmake/packaging.cmake).
# Runs inside cmake_install.cmake, from the install(CODE) rule of component
# MEDBOX_PACKAGE, with DESTDIR pointing at the package's root folder.
#
# 1. installs the whole project (its ordinary install() rules) into a scratch
#    folder, as "cmake --install" would;
# 2. routes every installed file to a package by the table in
#    <build>/medbox-deb/routes.cmake; a file no package claims is an error;
# 3. copies this package's files below DESTDIR, adds the default
#    configuration /etc/medbox/<service>.env of a service package, and writes
#    the maintainer scripts and conffiles list from what the package holds.
cmake_policy(VERSION 3.25)  # cmake_install.cmake runs with old policies; include() scopes this
if(NOT CMAKE_INSTALL_COMPONENT STREQUAL MEDBOX_PACKAGE)
  return()
endif()
set(root "$ENV{DESTDIR}")
if(root STREQUAL "")
  message(FATAL_ERROR "${MEDBOX_PACKAGE}: this component only installs below DESTDIR (cpack sets it)")
endif()
include("${MEDBOX_DEB_DIR}/routes.cmake")

# --- 1. the project's install, into a scratch folder --------------------------
set(work "${MEDBOX_DEB_DIR}/${MEDBOX_PACKAGE}")
set(stage "${work}/stage")
file(REMOVE_RECURSE "${stage}")

# file(COPY) and file(WRITE) make missing folders with the caller's umask; a
# build under umask 0002 must not ship group-writable folders (nor differ in
# its bytes from one under 0022).
file(CHMOD_RECURSE "${root}" DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
file(MAKE_DIRECTORY "${stage}")
set(config_args "")
if(CMAKE_INSTALL_CONFIG_NAME)
  set(config_args --config "${CMAKE_INSTALL_CONFIG_NAME}")
endif()
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env "DESTDIR=${stage}"
          "${CMAKE_COMMAND}" --install "${MEDBOX_BINARY_DIR}" --prefix /usr ${config_args}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${MEDBOX_PACKAGE}: installing the project into ${stage} failed:\n${out}")
endif()

# --- 2. route every file ------------------------------------------------------
file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${stage}" "${stage}/*")
list(SORT files)
set(mine "")
set(unclaimed "")
foreach(f IN LISTS files)
  set(owner "")
  foreach(pkg IN LISTS MEDBOX_PACKAGES)
    foreach(re IN LISTS MEDBOX_ROUTE_${pkg})
      if(f MATCHES "${re}")
        set(owner "${pkg}")
        break()
      endif()
    endforeach()
    if(owner)
      break()
    endif()
  endforeach()
  if(owner STREQUAL "")
    list(APPEND unclaimed "/${f}")
  elseif(owner STREQUAL MEDBOX_PACKAGE)
    list(APPEND mine "${f}")
  endif()
endforeach()
if(unclaimed)
  list(JOIN unclaimed "\n  " unclaimed)
  message(FATAL_ERROR "No medbox package claims these installed files; add them to the routing table in cmake/packaging.cmake:\n  ${unclaimed}")
endif()

# --- 3. this package's files, configuration, maintainer scripts ----------------
foreach(f IN LISTS mine)
  get_filename_component(dir "${f}" DIRECTORY)
  file(COPY "${stage}/${f}" DESTINATION "${root}/${dir}")
endforeach()

# Debian policy 12.5: every package carries /usr/share/doc/<package>/copyright
# (the image's dpkg.cfg keeps these while it drops other documentation).
configure_file("${MEDBOX_SOURCE_DIR}/cmake/debian-copyright.in"
  "${root}/usr/share/doc/${MEDBOX_PACKAGE}/copyright" @ONLY)
list(APPEND mine "usr/share/doc/${MEDBOX_PACKAGE}/copyright")

# A service package ships its default configuration as /etc/medbox/<svc>.env,
# the EnvironmentFile= its unit reads: services/<svc>/config/<svc>.properties
# turned into MEDBOX_SECTION__KEY=value lines (docs/configuration.md), every
# key still commented out, so an untouched file changes nothing. A conffile:
# dpkg keeps the administrator's edits across upgrades.
string(REGEX REPLACE "^medbox-" "" svc "${MEDBOX_PACKAGE}")
if(svc IN_LIST MEDBOX_SERVICES)
  set(props "${MEDBOX_SOURCE_DIR}/services/${svc}/config/${svc}.properties")
  set(env "# /etc/medbox/${svc}.env: site configuration of the medbox ${svc} service,\n")
  string(APPEND env "# read by medbox-${svc}.service (EnvironmentFile=) at every start.\n")
  string(APPEND env "# One MEDBOX_SECTION__KEY=value per line (\"__\" separates levels:\n")
  string(APPEND env "# MEDBOX_HTTP__PORT=8444 sets http.port); keys common to all services are in\n")
  string(APPEND env "# /usr/share/doc/medbox/configuration.md. Apply with: systemctl restart medbox-${svc}\n")
  string(APPEND env "# Generated from services/${svc}/config/${svc}.properties; the defaults below\n")
  string(APPEND env "# are commented out.\n")
  if(EXISTS "${props}")
    string(APPEND env "\n")
    file(STRINGS "${props}" lines)
    foreach(line IN LISTS lines)
      if(line MATCHES "^(#?)[ ]*([a-z][a-z0-9_]*(\\.[a-z0-9_<>-]+)+)[ ]*=[ ]*(.*)$")
        set(hash "${CMAKE_MATCH_1}")
        set(value "${CMAKE_MATCH_4}")
        string(TOUPPER "${CMAKE_MATCH_2}" key)
        string(REPLACE "." "__" key "${key}")
        string(APPEND env "${hash}MEDBOX_${key}=${value}\n")
      else()
        string(APPEND env "${line}\n")
      endif()
    endforeach()
  endif()
  file(WRITE "${root}/etc/medbox/${svc}.env" "${env}")
  file(CHMOD "${root}/etc/medbox/${svc}.env" PERMISSIONS OWNER_READ OWNER_WRITE)
  list(APPEND mine "etc/medbox/${svc}.env")
endif()

set(units "")
set(services "")
set(sysusers "")
set(tmpfiles "")
set(conffiles "")
foreach(f IN LISTS mine)
  get_filename_component(name "${f}" NAME)
  if(f MATCHES "^usr/lib/systemd/system/[^/]+$")
    list(APPEND units "${name}")
    if(f MATCHES "\\.service$")
      list(APPEND services "${name}")
    endif()
  elseif(f MATCHES "^usr/lib/sysusers\\.d/")
    list(APPEND sysusers "${name}")
  elseif(f MATCHES "^usr/lib/tmpfiles\\.d/")
    list(APPEND tmpfiles "${name}")
  elseif(f MATCHES "^etc/")
    string(APPEND conffiles "/${f}\n")
  endif()
endforeach()
list(JOIN units " " units)
list(JOIN services " " services)
list(JOIN sysusers " " sysusers)
list(JOIN tmpfiles " " tmpfiles)
list(SORT mine)

set(body "")
if(sysusers)
  string(APPEND body "    # System users and groups (sysusers.d), before any file is owned by them.\n")
  string(APPEND body "    systemd-sysusers ${sysusers}\n")
endif()
if(tmpfiles)
  string(APPEND body "    # State folders (tmpfiles.d), e.g. the shared trust folder.\n")
  string(APPEND body "    systemd-tmpfiles --create ${tmpfiles}\n")
endif()
if(units)
  string(APPEND body "    # First installation only: enable or disable each unit as the presets say\n")
  string(APPEND body "    # (/usr/lib/systemd/system-preset/*medbox*.preset give the reasons). An\n")
  string(APPEND body "    # upgrade, or a reinstallation after \"dpkg -r\", keeps what the administrator\n")
  string(APPEND body "    # chose (removal keeps the enablement; purging forgets it). Works in a chroot.\n")
  string(APPEND body "    if [ -z \"$2\" ]; then\n        systemctl --no-reload preset ${units}\n    fi\n")
  string(APPEND body "    if [ -d /run/systemd/system ]; then\n        systemctl daemon-reload\n")
  if(services)
    string(APPEND body "        # (Re)start what is enabled, restart what an administrator started by hand.\n")
    string(APPEND body "        # A service that fails to start does not fail the installation:\n")
    string(APPEND body "        # medboxctl status and the journal show why.\n")
    string(APPEND body "        for unit in ${services}; do\n")
    string(APPEND body "            if systemctl -q is-enabled \"$unit\"; then\n                systemctl restart \"$unit\" || echo \"${MEDBOX_PACKAGE}: $unit did not start; see journalctl -u $unit\" >&2\n")
    string(APPEND body "            else\n                systemctl try-restart \"$unit\" || echo \"${MEDBOX_PACKAGE}: $unit did not restart; see journalctl -u $unit\" >&2\n")
    string(APPEND body "            fi\n        done\n")
  endif()
  string(APPEND body "    fi\n")
endif()
set(postinst "#!/bin/sh\n# postinst of ${MEDBOX_PACKAGE}; written by cmake/packaging-route.cmake.\nset -e\n")
if(body)
  string(APPEND postinst "if [ \"$1\" = configure ]; then\n${body}fi\n")
endif()
string(APPEND postinst "exit 0\n")

set(prerm "#!/bin/sh\n# prerm of ${MEDBOX_PACKAGE}; written by cmake/packaging-route.cmake.\nset -e\n")
if(services)
  string(APPEND prerm "# Removal stops the services; their enablement stays until the package is purged.\n")
  string(APPEND prerm "if [ \"$1\" = remove ] && [ -d /run/systemd/system ]; then\n    systemctl stop ${services} || true\nfi\n")
endif()
string(APPEND prerm "exit 0\n")

# Purging never deletes /var/lib/medbox: it holds patient data and the audit
# log, which only an operator may remove (and a backup should exist first).
set(postrm "#!/bin/sh\n# postrm of ${MEDBOX_PACKAGE}; written by cmake/packaging-route.cmake.\n")
string(APPEND postrm "# Purging keeps /var/lib/medbox (patient data, audit log) and the system users.\nset -e\n")
if(units)
  string(APPEND postrm "if [ \"$1\" = purge ]; then\n")
  string(APPEND postrm "    # Forget the enablement: the links \"systemctl enable\" made (the unit files\n")
  string(APPEND postrm "    # are gone, so \"systemctl disable\" cannot find them).\n")
  string(APPEND postrm "    for unit in ${units}; do\n")
  string(APPEND postrm "        find /etc/systemd/system -type l -name \"$unit\" -delete\n    done\nfi\n")
  string(APPEND postrm "if [ -d /run/systemd/system ]; then\n    systemctl daemon-reload || true\nfi\n")
endif()
string(APPEND postrm "exit 0\n")

foreach(script postinst prerm postrm)
  file(WRITE "${work}/${script}" "${${script}}")
  file(CHMOD "${work}/${script}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
file(WRITE "${work}/conffiles" "${conffiles}")
file(REMOVE_RECURSE "${stage}")

# file(COPY) and file(WRITE) make missing folders with the caller's umask; a
# build under umask 0002 must not ship group-writable folders (nor differ in
# its bytes from one under 0022).
file(CHMOD_RECURSE "${root}" DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
