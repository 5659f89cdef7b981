# ctest core_layering (core/CMakeLists.txt): the core's lower folders include
# nothing from the folders above them, so no two-way dependency comes back
# (auth used http's client while http used auth's tokens, until the client
# moved to net). Run: cmake -DCORE=<source>/core -P cmake/check-layering.cmake
# RULE_<folder>: the folders it must not include.
set(RULE_net auth http service outbox db audit)
set(RULE_auth http service outbox db audit)
set(RULE_config auth http service outbox db net)
set(RULE_util auth http service outbox db net)
set(bad "")
foreach(area net auth config util)
  file(GLOB_RECURSE files "${CORE}/${area}/*.h" "${CORE}/${area}/*.cpp")
  list(FILTER files EXCLUDE REGEX "/(tests|fuzz)/")  # tests link the whole core
  foreach(f IN LISTS files)
    file(STRINGS "${f}" includes REGEX "^#include \"")
    foreach(line IN LISTS includes)
      foreach(above IN LISTS RULE_${area})
        if(line MATCHES "^#include \"core/${above}/")
          file(RELATIVE_PATH rel "${CORE}" "${f}")
          list(APPEND bad "core/${rel}: ${line}")
        endif()
      endforeach()
    endforeach()
  endforeach()
endforeach()
if(bad)
  list(JOIN bad "\n  " bad)
  message(FATAL_ERROR "A lower core folder includes a higher one:\n  ${bad}")
endif()
message(STATUS "core layering: ok")
