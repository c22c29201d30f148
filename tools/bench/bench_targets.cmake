# The omendb-bench executable (included from tools/bench/CMakeLists.txt).
find_package(PkgConfig REQUIRED)
pkg_check_modules(BENCH_LIBPQ REQUIRED IMPORTED_TARGET libpq)  # pgwire: the client
add_executable(omendb-bench main.cc index_bench.cc ingest_ilp_bench.cc pgwire_bench.cc
               postgres_server.cc query_bench.cc storage_bench.cc tsbs.cc)
target_link_libraries(omendb-bench PRIVATE omendb_bench_support omendb_load omendb_server omendb_sql omendb_storage omendb_index absl::btree
                      CLI11::CLI11 nlohmann_json::nlohmann_json PkgConfig::BENCH_LIBPQ omendb_warnings)

omen_test(NAME query_bench_test SOURCES query_bench_test.cc query_bench.cc storage_bench.cc tsbs.cc
          LIBS omendb_bench_support omendb_sql omendb_storage)
