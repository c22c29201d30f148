# omen_test(NAME name SOURCES a.cc [b.cc ...] [LIBS lib ...])
#
# Builds a GoogleTest executable from SOURCES, links it with LIBS, GoogleTest
# (gtest_main supplies main()) and our warning flags, and registers each of its
# test cases with CTest via gtest_discover_tests.

include_guard(GLOBAL)
include(GoogleTest)

function(omen_test)
  cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME" "SOURCES;LIBS")
  if(NOT ARG_NAME)
    message(FATAL_ERROR "omen_test: NAME is required")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "omen_test(${ARG_NAME}): SOURCES is required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "omen_test(${ARG_NAME}): unexpected arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()

  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE
    ${ARG_LIBS} GTest::gtest_main GTest::gtest omendb_warnings)
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60)
endfunction()
