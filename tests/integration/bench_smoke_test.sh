#!/usr/bin/env bash
# bench/run --quick: the benchmark script runs from end to end and prints its whole table (every
# row measured or skipped with a reason). No figure is checked against a target here: timings are
# BENCHMARKS.md's business, never a test's.
. "$(dirname "$0")/lib/common.sh"
require_podman
bdir=$(dirname "$CX_BIN")
[ -x "$bdir/bench/cx_paired" ] || skip "bench tools are not built ($bdir/bench/cx_paired)"

out=$TEST_TMP/bench.out
CX_BUILD_DIR=$bdir timeout 900 "$CX_SOURCE_DIR/bench/run" --quick >"$out" 2>"$TEST_TMP/bench.err"
rc=$?
[ "$rc" = 0 ] || fail "bench/run --quick exited $rc: $(grep -v '^cx: session' "$TEST_TMP/bench.err" | tail -n 5)"
for row in "host-side start, warm cache" "host-side start, cold" "vs podman run --rm --network none" \
  "vs docker run" "cx version vs /bin/true" "throughput through a tunnel" "credential endpoint" \
  "CONNECT set-up" "round trip in an open tunnel" "peak RSS" "without Claude Code's binary"; do
  grep -qF -- "$row" "$out" || fail "bench/run's table has no row [$row]: $(cat "$out")"
done
# Every measured row has its figures, or says why it was skipped.
while IFS= read -r line; do
  case $line in
    *"skipped: "*) ;;
    *" ms ("*") | "*" ms ("*) ;;
    *) fail "a row without figures or a skip reason: [$line]" ;;
  esac
done < <(grep -E '^\| (host-side|cx shell|cx version)' "$out")
grep -q "FAILED" "$out" && fail "a row failed: $(grep FAILED "$out")"
pass "bench/run --quick printed the whole table ($(grep -c '^| ' "$out") table lines)"
