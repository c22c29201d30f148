# The write-ahead log (storage/wal_*): included by src/storage/CMakeLists.txt.
# Format spec: docs/format/wal.md.

add_library(omendb_wal STATIC
  ${CMAKE_CURRENT_LIST_DIR}/wal_writer.cc
  ${CMAKE_CURRENT_LIST_DIR}/wal_reader.cc)
target_link_libraries(omendb_wal PUBLIC omendb_common PRIVATE omendb_warnings)

omen_test(NAME wal_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/wal_test.cc
  LIBS omendb_wal)

# libFuzzer target for WalReader: clang only, off by default. Run it as
# `build/<dir>/src/storage/wal_fuzz -max_total_time=60`.
option(OMENDB_FUZZ "Build the libFuzzer targets (clang only)" OFF)
if(OMENDB_FUZZ)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # The reader is compiled into the target so that libFuzzer's coverage sees it.
    add_executable(wal_fuzz
      ${CMAKE_CURRENT_LIST_DIR}/wal_fuzz.cc
      ${CMAKE_CURRENT_LIST_DIR}/wal_reader.cc)
    target_compile_options(wal_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_options(wal_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(wal_fuzz PRIVATE omendb_common omendb_warnings)
  else()
    message(WARNING "OMENDB_FUZZ needs clang; wal_fuzz is not built")
  endif()
endif()
