#!/usr/bin/env bash
# Builds the libFuzzer targets (and nothing else) in a clang build directory.
#
#   tests/fuzz/build.sh [BUILD_DIR]      (default: build-fuzz)
#
# Exit 0: built. Exit 77: clang or its libFuzzer runtime is missing; the
# reason is printed and left in BUILD_DIR/tests/fuzz/skip-reason, where the
# fuzz.* ctest tests find it and skip with it. Exit 1: the build failed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$root/build-fuzz}
case "$build_dir" in /*) ;; *) build_dir=$PWD/$build_dir ;; esac
skip_file=$build_dir/tests/fuzz/skip-reason
mkdir -p "$build_dir/tests/fuzz"
rm -f "$skip_file"

skip() {
  echo "SKIP: $*" | tee "$skip_file"
  exit 77
}

cxx=${CX_FUZZ_CXX:-clang++}
command -v "$cxx" >/dev/null 2>&1 ||
  skip "$cxx not found (scripts/bootstrap installs clang and libclang-rt-14-dev)"
probe=$build_dir/libfuzzer-probe
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' |
  "$cxx" -x c++ -fsanitize=fuzzer,address,undefined - -o "$probe" >"$probe.log" 2>&1 ||
  skip "$cxx cannot link -fsanitize=fuzzer, the libFuzzer runtime is missing" \
    "(Debian: libclang-rt-14-dev): $(head -c 300 "$probe.log")"

# -O1 and line tables only: quick to build, still fast to fuzz, and crash
# reports name file and line. Only the fuzz targets are built.
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCX_FUZZ=ON \
  -DCX_TESTS=OFF -DCX_BENCH=OFF -DCX_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" >"$build_dir/configure.log" 2>&1 || {
  cat "$build_dir/configure.log"
  echo "tests/fuzz/build.sh: cmake configure failed" >&2
  exit 1
}
ninja -C "$build_dir" -j "${CX_JOBS:-2}" fuzz || {
  echo "tests/fuzz/build.sh: the fuzz targets do not build" >&2
  exit 1
}
