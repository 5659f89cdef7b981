# Debian packages of medbox, made by CPack's DEB generator (docs/image.md):
#
#   medbox-<service>  one per built service: its binary, its unit(s), its
#                     polkit rule, its default configuration (/etc/medbox/<service>.env)
#   medbox-common     medbox.target, presets, sysusers.d, tmpfiles.d, shared docs
#   medbox-tools      medboxctl, medbox-firewall and their data files
#
#   cpack --config <build>/CPackConfig.cmake -B <dir>     (images/build.sh does this)
#
# How files reach a package. The install() rules of the project belong to the
# people who own each folder and carry no COMPONENT, so CPack would put
# everything into one "Unspecified" component. Instead, each package here is a
# CPack component whose only install rule (install(CODE), below) runs the
# project's ordinary install into a scratch folder and copies from it the
# files that the routing table below assigns to that package -- the way a
# debian/<package>.install file selects from debian/tmp. A file that no
# package claims stops the packaging with its path, so nothing new is ever
# silently left out of the image: add a line to the table.
#
# Reproducible: cpack runs with SOURCE_DATE_EPOCH (the time of the last git
# commit unless the caller sets one); the DEB generator uses it for every
# timestamp in the archive, and installed files get it as their mtime.
include_guard(GLOBAL)

set(MEDBOX_DEB_MAINTAINER "medbox appliance team <appliance@medbox.invalid>")
set(MEDBOX_DEB_RELEASE 1)

# --- routing table ------------------------------------------------------------
# Per package: CMake regular expressions matched against the path below the
# package root (e.g. "usr/libexec/medbox/medbox-booking"). Packages are tried
# in list order; the first match wins.
set(medbox_packages "")
set(medbox_services "")
foreach(svc IN LISTS MEDBOX_SERVICES)  # cmake/services.cmake
  if(TARGET medbox-${svc})
    list(APPEND medbox_services ${svc})
    list(APPEND medbox_packages medbox-${svc})
    set(medbox_route_medbox-${svc}
      "^usr/libexec/medbox/medbox-${svc}$"
      "^usr/lib/systemd/system/medbox-${svc}(-[a-z0-9-]+)?\\.(service|timer|socket|path)$"
      "^usr/lib/systemd/system/medbox-${svc}(-[a-z0-9-]+)?\\.(service|timer|socket|path)\\.d/"
      "^etc/medbox/${svc}(\\.[a-z]+|/.*)$"
      "^usr/share/medbox/${svc}/"
      "^usr/share/polkit-1/rules\\.d/[0-9][0-9]-medbox-${svc}\\.rules$"
      "^usr/share/doc/medbox-${svc}/")
    set(medbox_summary_medbox-${svc} "medbox ${svc} service: ${MEDBOX_SERVICE_${svc}_SUMMARY}")
  endif()
endforeach()
list(APPEND medbox_packages medbox-tools medbox-common)
set(medbox_route_medbox-tools
  "^usr/s?bin/medbox"
  "^usr/share/medbox/(firewall|hwprofiles)/"
  "^usr/share/doc/medbox-tools/"
  # The firewall at boot and first access (docs/firewall.md, docs/install.md).
  "^usr/lib/systemd/system/medbox-(firewall|issue|ssh-keys)\\.(service|path)$"
  "^usr/lib/systemd/system/systemd-networkd\\.service\\.d/50-medbox-firewall\\.conf$"
  "^usr/libexec/medbox/medbox-(issue|ssh-keys)$"
  "^usr/lib/tmpfiles\\.d/medbox-first-access\\.conf$"
  # The console's privileged helper for the setup wizard (docs/console.md).
  "^usr/libexec/medbox/medbox-setup-helper$"
  "^usr/lib/systemd/system/medbox-setup-helper(@\\.service|\\.socket)$"
  "^usr/lib/tmpfiles\\.d/medbox-setup-helper\\.conf$")
set(medbox_summary_medbox-tools "medbox appliance tools: medboxctl, medbox-firewall")
set(medbox_route_medbox-common
  "^usr/lib/systemd/system/medbox\\.target$"
  "^usr/lib/systemd/system-preset/[0-9][0-9]-medbox[a-z0-9-]*\\.preset$"
  "^usr/lib/sysusers\\.d/medbox[a-z0-9-]*\\.conf$"
  "^usr/lib/tmpfiles\\.d/medbox[a-z0-9-]*\\.conf$"
  "^usr/share/doc/medbox/")
set(medbox_summary_medbox-common "medbox appliance base: target, presets, system users, folders")

# The configuration keys, for /etc/medbox/<service>.env's readers.
install(FILES "${PROJECT_SOURCE_DIR}/docs/configuration.md" DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- per-package configuration -------------------------------------------------
set(medbox_deb_dir "${CMAKE_BINARY_DIR}/medbox-deb")
file(MAKE_DIRECTORY "${medbox_deb_dir}")

# The routing table, for the install(CODE) scripts that run at cpack time.
set(medbox_table "set(MEDBOX_PACKAGES \"${medbox_packages}\")\n")
foreach(pkg IN LISTS medbox_packages)
  string(APPEND medbox_table "set(MEDBOX_ROUTE_${pkg} [==[${medbox_route_${pkg}}]==])\n")
endforeach()
file(WRITE "${medbox_deb_dir}/routes.cmake" "${medbox_table}")

foreach(pkg IN LISTS medbox_packages)
  string(TOUPPER "${pkg}" PKG)
  # Component names are the package names; CPack upper-cases them in variables.
  install(CODE "
    set(MEDBOX_PACKAGE \"${pkg}\")
    set(MEDBOX_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
    set(MEDBOX_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
    set(MEDBOX_DEB_DIR \"${medbox_deb_dir}\")
    set(MEDBOX_SERVICES \"${medbox_services}\")
    set(MEDBOX_DEB_MAINTAINER \"${MEDBOX_DEB_MAINTAINER}\")
    include(\"${PROJECT_SOURCE_DIR}/cmake/packaging-route.cmake\")"
    COMPONENT ${pkg} EXCLUDE_FROM_ALL)
  set(CPACK_DEBIAN_${PKG}_PACKAGE_NAME ${pkg})
  set(CPACK_DEBIAN_${PKG}_DESCRIPTION "${medbox_summary_${pkg}}
 Part of medbox, the on-premise hospital appliance.")
  # The maintainer scripts and conffiles list are written by
  # cmake/packaging-route.cmake at cpack time, from what the package holds.
  set(CPACK_DEBIAN_${PKG}_PACKAGE_CONTROL_EXTRA
    "${medbox_deb_dir}/${pkg}/postinst;${medbox_deb_dir}/${pkg}/prerm;${medbox_deb_dir}/${pkg}/postrm;${medbox_deb_dir}/${pkg}/conffiles")
endforeach()

# Every package needs systemd (units, sysusers, tmpfiles) and the services and
# tools need the common base at exactly this version. dpkg-shlibdeps adds the
# shared libraries (Poco, OpenSSL, SQLite, libsystemd, libstdc++).
set(medbox_deb_version "${PROJECT_VERSION}-${MEDBOX_DEB_RELEASE}")
set(CPACK_DEBIAN_MEDBOX-COMMON_PACKAGE_DEPENDS "systemd (>= 252)")
foreach(pkg IN LISTS medbox_packages)
  string(TOUPPER "${pkg}" PKG)
  if(NOT pkg STREQUAL "medbox-common")
    set(CPACK_DEBIAN_${PKG}_PACKAGE_DEPENDS "medbox-common (= ${medbox_deb_version}), systemd (>= 252)")
  endif()
endforeach()
# The console controls medbox units over D-Bus; systemd asks polkitd, which
# reads the console's rule (appliance/systemd/polkit/, docs/units.md).
if(TARGET medbox-console)
  string(APPEND CPACK_DEBIAN_MEDBOX-CONSOLE_PACKAGE_DEPENDS ", dbus, polkitd")
endif()

# The setup helper's vendor verbs run wg and ip (vendor access, docs/console.md).
if(TARGET medbox-setup-helper)
  string(APPEND CPACK_DEBIAN_MEDBOX-TOOLS_PACKAGE_DEPENDS ", wireguard-tools, iproute2")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME medbox)
set(CPACK_PACKAGE_VENDOR medbox)
set(CPACK_PACKAGE_CONTACT "${MEDBOX_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${medbox_packages})  # not "Unspecified": routed above
set(CPACK_COMPONENTS_GROUPING IGNORE)         # one package per component
set(CPACK_DEBIAN_PACKAGE_RELEASE ${MEDBOX_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)       # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SOURCE medbox)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Stripped binaries in the packages; their debug information goes into
# medbox-<x>-dbgsym .ddeb files beside them (kept for crash analysis, not
# installed on the appliance).
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
# Absolute paths in the packages (/etc/medbox, /usr/...): install below DESTDIR.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_SOURCE_DIR}/cmake/packaging-cpack.cmake")
set(CPACK_VERBATIM_VARIABLES ON)
set(CPACK_MEDBOX_SOURCE_DIR "${PROJECT_SOURCE_DIR}")  # for packaging-cpack.cmake

include(CPack)
