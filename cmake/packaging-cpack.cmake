# CPACK_PROJECT_CONFIG_FILE of the medbox packages (cmake/packaging.cmake):
# read by cpack before it builds the packages.
#
# Reproducible packages: the DEB generator takes every timestamp from
# SOURCE_DATE_EPOCH. Unless the caller set one (images/build.sh does), use the
# time of the last git commit, so two builds of one commit give the same
# bytes; outside a git checkout, fall back to the version's fixed epoch 0.
if(NOT DEFINED ENV{SOURCE_DATE_EPOCH})
  execute_process(COMMAND git -C "${CPACK_MEDBOX_SOURCE_DIR}" log -1 --format=%ct
    OUTPUT_VARIABLE sde OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT sde MATCHES "^[0-9]+$")
    set(sde 0)
  endif()
  set(ENV{SOURCE_DATE_EPOCH} "${sde}")
endif()
