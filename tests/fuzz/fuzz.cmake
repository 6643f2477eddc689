# Registers one bounded run of each libFuzzer target as a ctest test
# (fuzz.NAME for fuzz_NAME, label `fuzz`). The targets themselves are built by
# tests/fuzz/build.sh in a clang build directory (scripts/test does that
# first); without one each test skips, saying why.
set(CX_FUZZ_BUILD_DIR ${CMAKE_SOURCE_DIR}/build-fuzz CACHE PATH
  "clang build directory of the fuzz targets that the fuzz.* tests run")
file(GLOB CX_FUZZ_TARGET_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_*.cpp)
foreach(source ${CX_FUZZ_TARGET_SOURCES})
  get_filename_component(target ${source} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" name ${target})
  # CX_FUZZ_SECONDS (default 20) is read when the test runs; 0 skips.
  add_test(NAME fuzz.${name}
    COMMAND bash -c "exec bash \"$0\" ${target} \"\${CX_FUZZ_SECONDS:-20}\" \"$1\""
      ${CMAKE_SOURCE_DIR}/tests/fuzz/run.sh ${CMAKE_BINARY_DIR}/fuzz-work/${target})
  set_tests_properties(fuzz.${name} PROPERTIES
    SKIP_RETURN_CODE 77
    TIMEOUT 900
    LABELS fuzz
    ENVIRONMENT "CX_FUZZ_BIN_DIR=${CX_FUZZ_BUILD_DIR}/tests/fuzz")
endforeach()
