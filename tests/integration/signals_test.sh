#!/usr/bin/env bash
# Signals sent to cx reach the command in the container, and the container
# is gone afterwards on every path: SIGTERM, SIGHUP, and the runtime client
# itself being killed with SIGKILL.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"

require_cx
require_podman
moto_up
cx_image_ensure podman

home=$(new_home)
moto_write_aws_credentials "$home"
cx_write_config "$home/.claude-exec"
proj="$TEST_TMP/proj"
mkdir -p "$proj"
cd "$proj" || fail "cd $proj"

# start_session: runs `cx shell -- sleep 300` in the background, sets CX_PID,
# and waits until its container runs.
start_session() {
  HOME="$home" AWS_ENDPOINT_URL_STS="$MOTO_ENDPOINT" "$CX_BIN" shell -- sleep 300 \
    </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
  CX_PID=$!
  local i
  for ((i = 0; i < 300; i++)); do
    [ -n "$(podman ps -q --filter "label=cx.pid=$CX_PID")" ] && return 0
    sleep 0.1
  done
  cat "$TEST_TMP/err"
  fail "the session's container never started"
}

for sig in TERM HUP; do
  start_session
  kill -"$sig" "$CX_PID"
  rc=0
  wait "$CX_PID" || rc=$?
  assert_eq "$((128 + $(kill -l "$sig")))" "$rc" "cx's exit status after SIG$sig"
  cx_assert_no_containers_left podman "$proj"
  pass "SIG$sig reaches the command (exit $rc); no container left"
done

start_session
# The runtime client, not the reaper (cx's other child, `cx-reaper`).
client=$(pgrep -P "$CX_PID" -x podman | head -n 1)
[ -n "$client" ] || fail "no runtime client under cx"
kill -KILL "$client"
rc=0
wait "$CX_PID" || rc=$?
assert_eq 137 "$rc" "cx's exit status after its client was killed"
cx_assert_no_containers_left podman "$proj"
pass "client killed with SIGKILL: cx exits 137 and removes the container"
