# Build helpers shared by every service.

include("${CMAKE_CURRENT_LIST_DIR}/fuzz.cmake")  # medbox_fuzz(): libFuzzer targets

# medbox_embed(TARGET NAMESPACE FILES...)
# Compiles files (migrations, web assets, openapi.json) into the binary so a
# service is one self-contained file; exposes them through core/service/Resources.h
# as medbox::resources::<NAMESPACE>() -> list of {name, bytes}.
function(medbox_embed target ns)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${ns}_resources.cpp")
  set(abs_files "")
  foreach(f IN LISTS ARGN)
    get_filename_component(abs "${f}" ABSOLUTE)
    list(APPEND abs_files "${abs}")
  endforeach()
  string(REPLACE ";" "|" joined "${abs_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNS=${ns} -DBASE=${CMAKE_CURRENT_SOURCE_DIR} "-DFILES=${joined}"
            -P "${PROJECT_SOURCE_DIR}/cmake/embed.cmake"
    DEPENDS ${abs_files} "${PROJECT_SOURCE_DIR}/cmake/embed.cmake"
    COMMENT "Embedding ${ns} resources"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()

# medbox_service(NAME) builds services/NAME: a library with all logic (linked by
# tests) and a thin executable medbox-NAME. Each service links only core.
function(medbox_service name)
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp")
  add_library(${name}_lib STATIC ${srcs})
  target_include_directories(${name}_lib PUBLIC "${CMAKE_CURRENT_SOURCE_DIR}/src")
  target_link_libraries(${name}_lib PUBLIC medbox_core)
  file(GLOB migrations CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql")
  file(GLOB_RECURSE web CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/web/*")
  medbox_embed(${name}_lib ${name} ${migrations} ${web})
  add_executable(medbox-${name} "${CMAKE_CURRENT_SOURCE_DIR}/main.cpp")
  target_link_libraries(medbox-${name} PRIVATE ${name}_lib)
  install(TARGETS medbox-${name} RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/medbox)
  file(GLOB tests CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/tests/*Test.cpp")
  if(tests)
    add_executable(${name}_tests ${tests})
    target_link_libraries(${name}_tests PRIVATE ${name}_lib GTest::gtest_main)
    gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 30 PROPERTIES LABELS unit)
  endif()
endfunction()
