#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time over its seed corpus.
#
#   tests/fuzz/run.sh TARGET SECONDS WORK_DIR
#
# The seeds in tests/fuzz/corpus/TARGET are only read; new inputs go to
# WORK_DIR/corpus and crashes to WORK_DIR/crashes. The binary is taken from
# $CX_FUZZ_BIN_DIR (default build-fuzz/tests/fuzz). Exit 0: no crash;
# 1: a crash, timeout, leak or out-of-memory (the input is printed);
# 77: skipped, with the reason (no clang, not built, CX_FUZZ_SECONDS=0).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
target=$1
seconds=$2
work=$3
bin_dir=${CX_FUZZ_BIN_DIR:-$root/build-fuzz/tests/fuzz}
seeds=$root/tests/fuzz/corpus/$target

if [ "$seconds" = 0 ]; then
  echo "SKIP: CX_FUZZ_SECONDS=0"
  exit 77
fi
if [ -f "$bin_dir/skip-reason" ]; then
  cat "$bin_dir/skip-reason"
  exit 77
fi
if [ ! -x "$bin_dir/$target" ]; then
  echo "SKIP: $bin_dir/$target is not built (scripts/test builds it, or run tests/fuzz/build.sh)"
  exit 77
fi
[ -d "$seeds" ] || { echo "run.sh: no seed corpus $seeds" >&2; exit 1; }

mkdir -p "$work/corpus" "$work/crashes"
log=$work/fuzz.log
started=$work/started
: >"$started"
# libFuzzer's own exit codes for a finding are 77 (crash) and 70 (timeout)
# by default; 77 would read as "skipped" to ctest, so every finding is 1.
# timeout(1) is the backstop should libFuzzer itself not stop in time.
timeout -k 10 $((seconds * 2 + 60)) "$bin_dir/$target" \
  -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
  -artifact_prefix="$work/crashes/" "$work/corpus" "$seeds" >"$log" 2>&1
rc=$?
stats=$(grep -E '^stat::(number_of_executed_units|new_units_added)' "$log" | tr '\n' ' ')
if [ "$rc" = 0 ]; then
  echo "$target: no crash in ${seconds} s ($stats)"
  exit 0
fi
echo "$target: FAILED (exit $rc) after fuzzing for up to ${seconds} s; the end of its log:"
tail -n 60 "$log"
find "$work/crashes" -type f -newer "$started" | while read -r artifact; do
  echo "--- $artifact ($(wc -c <"$artifact") bytes), first 512 as hex; rerun: $bin_dir/$target $artifact"
  head -c 512 "$artifact" | od -An -tx1 | head -n 32
done
exit 1
