# OmenDB developer entry points. `make test` is what CI runs (via .ci/run).
# The build machines have 2 cores: builds run one at a time, ninja with -j2.

.PHONY: setup build build-asan test serve bench format format-check clean
.NOTPARALLEL:
.DEFAULT_GOAL := build

JOBS ?= 2
RELEASE_DIR := build/release
ASAN_DIR := build/asan
# C++ sources and headers we own, for clang-format (folders may not exist yet).
FORMAT_FILES = $(shell find src tools -type f \( -name '*.h' -o -name '*.cc' \) 2>/dev/null | sort)

setup:
	scripts/setup

build: setup
	test -f $(RELEASE_DIR)/build.ninja || \
	  cmake -S . -B $(RELEASE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(RELEASE_DIR) -j$(JOBS)

build-asan: setup
	test -f $(ASAN_DIR)/build.ninja || \
	  cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DOMENDB_SANITIZE=ON \
	    -DOMENDB_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS=-O1
	cmake --build $(ASAN_DIR) -j$(JOBS)

test: build build-asan format-check
	ctest --test-dir $(RELEASE_DIR) --output-on-failure -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_DIR) --output-on-failure -j$(JOBS)
	scripts/check-layering

serve: build
	scripts/serve

bench: build
	$(RELEASE_DIR)/tools/bench/omendb-bench index --keys 10000000 --dataset all --format json
	$(RELEASE_DIR)/tools/bench/omendb-bench ingest --rows 10000000 --format json
	$(RELEASE_DIR)/tools/bench/omendb-bench scan --rows 100000000 --format json
	$(RELEASE_DIR)/tools/bench/omendb-bench layout --rows 10000000 --format json

format:
	@files="$(FORMAT_FILES)"; if [ -n "$$files" ]; then clang-format -i $$files; fi

format-check:
	@files="$(FORMAT_FILES)"; if [ -n "$$files" ]; then clang-format --dry-run -Werror $$files; fi

clean:
	rm -rf build
