# libFuzzer targets (docs/fuzzing.md). Built only in a build folder configured
# with clang and -DMEDBOX_FUZZ=ON (scripts/fuzz.sh does it: build-fuzz/); the
# main build uses g++ and only registers the ctest test that runs the script.
#
# medbox_fuzz(NAME SOURCES <files...> [LINK <libraries...>])
#   NAME       the executable, build-fuzz/fuzz/NAME
#   SOURCES    the fuzz target (defines LLVMFuzzerTestOneInput) and the core
#              sources it tests, compiled with the sanitizers; not medbox_core,
#              so a target builds in seconds and only its parser is instrumented
#   LINK       libraries (Poco::JSON, OpenSSL::Crypto...)
# Seeds: the folder corpus/NAME beside the calling CMakeLists.txt, checked in.
option(MEDBOX_FUZZ "Build the libFuzzer targets (clang only; scripts/fuzz.sh)" OFF)

if(MEDBOX_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MEDBOX_FUZZ needs clang (libFuzzer): configure a separate folder with CC=clang CXX=clang++, "
                        "as scripts/fuzz.sh does")
  endif()
  add_custom_target(medbox_fuzz_all)
endif()

function(medbox_fuzz name)
  if(NOT MEDBOX_FUZZ)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 F "" "" "SOURCES;LINK")
  if(NOT F_SOURCES)
    message(FATAL_ERROR "medbox_fuzz(${name}): SOURCES is empty")
  endif()
  set(corpus "${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name}")
  if(NOT IS_DIRECTORY "${corpus}")
    message(FATAL_ERROR "medbox_fuzz(${name}): no seed folder ${corpus}")
  endif()
  add_executable(${name} ${F_SOURCES})
  target_include_directories(${name} PRIVATE "${MEDBOX_INCLUDE_ROOT}")
  # The definitions medbox_core gives its users (core/CMakeLists.txt).
  target_compile_definitions(${name} PRIVATE SQLITE_ENABLE_SESSION SQLITE_ENABLE_PREUPDATE_HOOK)
  set(sanitizers -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)
  target_compile_options(${name} PRIVATE ${sanitizers} -fno-omit-frame-pointer -g -O1)
  target_link_options(${name} PRIVATE ${sanitizers})
  target_link_libraries(${name} PRIVATE ${F_LINK})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/fuzz")
  # scripts/fuzz.sh finds each target's seeds here.
  file(WRITE "${CMAKE_BINARY_DIR}/fuzz/${name}.corpus" "${corpus}\n")
  add_dependencies(medbox_fuzz_all ${name})
endfunction()

# In the main (g++) build: the suite runs every target briefly (label fuzz).
if(NOT MEDBOX_FUZZ)
  find_program(MEDBOX_CLANGXX clang++)
  if(MEDBOX_CLANGXX)
    add_test(NAME fuzz_smoke
             COMMAND "${PROJECT_SOURCE_DIR}/scripts/fuzz.sh" -B "${CMAKE_BINARY_DIR}/fuzz-clang" -t 10)
    set_tests_properties(fuzz_smoke PROPERTIES LABELS fuzz TIMEOUT 420 RUN_SERIAL TRUE)
  else()
    message(STATUS "clang++ not found: the fuzz_smoke test is left out (scripts/deps.sh installs clang)")
  endif()
endif()
