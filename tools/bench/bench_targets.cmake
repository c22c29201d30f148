# The omendb-bench executable (included from tools/bench/CMakeLists.txt).
add_executable(omendb-bench main.cc index_bench.cc ingest_ilp_bench.cc query_bench.cc
               storage_bench.cc tsbs.cc)
target_link_libraries(omendb-bench PRIVATE omendb_bench_support omendb_load omendb_server omendb_sql omendb_storage omendb_index absl::btree
                      CLI11::CLI11 nlohmann_json::nlohmann_json omendb_warnings)

omen_test(NAME query_bench_test SOURCES query_bench_test.cc query_bench.cc storage_bench.cc tsbs.cc
          LIBS omendb_bench_support omendb_sql omendb_storage)
