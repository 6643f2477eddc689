#!/usr/bin/env bash
# How long cx takes to start and end a session, against the runtime alone:
#   `cx shell -- true` (config, STS AssumeRole against moto, broker, container, cleanup)
#   vs `podman run --rm IMAGE true` with the same image, without a network (what allowlist
#   mode uses) and with the default one (what open mode uses); and the default modes on the
#   remote transport (CX_TRANSPORT=remote on this podman).
# Usage: bench/session_start.sh [RUNS]   (needs scripts/test-env.sh's environment and the
# shared test image; prints the median and min of each, in ms)
set -uo pipefail
runs=${1:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/test-env.sh" >/dev/null
export CX_BIN=${CX_BIN:-$root/build/cx} CX_SOURCE_DIR=$root
. "$root/tests/integration/lib/common.sh"
. "$root/tests/integration/lib/moto.sh"
. "$root/tests/integration/lib/cx.sh"
moto_up
cx_image_ensure podman
home=$(new_home)
moto_write_aws_credentials "$home"
proj="$TEST_TMP/proj"
mkdir -p "$proj" && cd "$proj" || exit 1

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
measure() {  # measure LABEL CMD...: run CMD `runs` times, print median and min
  local label=$1 i t0 times=()
  shift
  for ((i = 0; i < runs; i++)); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || { echo "$label: command failed" >&2; return 1; }
    times+=("$(ms "$t0" "$EPOCHREALTIME")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '
    { v[NR] = $1 } END { printf "%-52s median %5d ms   min %5d ms   (%d runs)\n", l, v[int((NR + 1) / 2)], v[1], NR }'
}

measure "podman run --rm --network none IMAGE true" podman run --rm --network none "$CX_ITEST_IMAGE" true
measure "podman run --rm IMAGE true (default network)" podman run --rm "$CX_ITEST_IMAGE" true
for mode in "env open" "broker allowlist"; do
  set -- $mode
  cx_write_config "$home/.claude-exec" CX_CREDENTIALS="$1" CX_NETWORK="$2" CX_CACHE=0
  measure "cx shell -- true ($1, $2, no cache)" cx_env "" "$home" "$CX_BIN" shell -- true
  cx_write_config "$home/.claude-exec" CX_CREDENTIALS="$1" CX_NETWORK="$2"
  measure "cx shell -- true ($1, $2, cached creds)" cx_env "" "$home" "$CX_BIN" shell -- true
done
# The remote transport forced on this local podman: network, gate, create, cp, start -a.
cx_write_config "$home/.claude-exec" CX_TRANSPORT=remote
measure "cx shell -- true (broker, allowlist, remote transport)" cx_env "" "$home" "$CX_BIN" shell -- true
measure "cx version" "$CX_BIN" version
