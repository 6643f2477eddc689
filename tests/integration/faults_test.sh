#!/usr/bin/env bash
# Faults, each with nothing left behind: a runtime that hangs (on `image
# inspect`, before any credential; on `run`), ended by SIGTERM and by SIGKILL
# of cx; a full disk under the audit log and the credential cache; and 100
# sessions in a row, after which no container, record, broker directory,
# reaper or zombie is left.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"

require_cx
require_podman
moto_up
cx_image_ensure podman

home=$(new_home)
moto_write_aws_credentials "$home"
proj="$TEST_TMP/proj"
mkdir -p "$proj"
cd "$proj" || fail "cd $proj"
tmp="$TEST_TMP/tmpdir"
mkdir -m 0700 "$tmp"

# A podman that hangs on the subcommand HANG, and is the real one otherwise.
fake="$TEST_TMP/fake"
mkdir -p "$fake"
cat >"$fake/podman" <<EOF
#!/bin/sh
[ "\$1" = "\$CX_FAKE_HANG" ] && exec sleep 300
exec $(command -v podman) "\$@"
EOF
chmod 755 "$fake/podman"

# start HANG: cx shell in the background with the fake podman hanging on HANG; waits until the
# hanging child runs (SLEEPER is its pid).
start() {
  cx_write_config "$home/.claude-exec" RUNTIME="$fake/podman"
  HOME="$home" TMPDIR="$tmp" CX_FAKE_HANG="$1" AWS_ENDPOINT_URL_STS="$MOTO_ENDPOINT" \
    "$CX_BIN" shell -- true </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
  CX_PID=$!
  SLEEPER=""
  local i
  for ((i = 0; i < 300; i++)); do
    SLEEPER=$(pgrep -P "$CX_PID" -x sleep | head -n 1)
    [ -n "$SLEEPER" ] && return 0
    kill -0 "$CX_PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$TEST_TMP/err"
  fail "the runtime never hung on $1"
}

# nothing_left: no container of the project, no record, no broker directory, no reaper.
nothing_left() {
  cx_assert_no_containers_left podman "$proj"
  [ -z "$(ls "$home/.local/state/cx/sessions/"*.json 2>/dev/null)" ] || fail "$1: a session record is left"
  [ -z "$(ls -A "$tmp")" ] || fail "$1: left in TMPDIR: $(ls -A "$tmp")"
  [ -z "$(pgrep -x cx-reaper)" ] || fail "$1: a cx-reaper still runs: $(pgrep -a -x cx-reaper)"
}

for hang in image run; do
  start "$hang"
  kill -TERM "$CX_PID"
  wait_gone "$CX_PID" 5 "cx (SIGTERM while the runtime hangs on $hang)"
  rc=0
  wait "$CX_PID" || rc=$?
  assert_eq 143 "$rc" "cx's status after SIGTERM while the runtime hangs on $hang"
  wait_gone "$SLEEPER" 5 "the hung runtime child ($hang)"
  sleep 1
  nothing_left "SIGTERM, runtime hung on $hang"
  pass "runtime hangs on $hang: SIGTERM ends cx at once (143), its child too, nothing left"

  start "$hang"
  kill -KILL "$CX_PID"
  wait "$CX_PID" 2>/dev/null
  wait_gone "$SLEEPER" 5 "the hung runtime child after cx's SIGKILL ($hang)"
  sleep 2
  nothing_left "SIGKILL, runtime hung on $hang"
  pass "runtime hangs on $hang: SIGKILL of cx, the reaper kills the hung child, nothing left"
done

# --- a full disk under the audit log and the credential cache --------------------------------------
if [ "$(id -u)" = 0 ]; then
  full="$TEST_TMP/full"
  mkdir -p "$full"
  if mount -t tmpfs -o size=256k tmpfs "$full" 2>/dev/null; then
    on_exit "umount '$full' 2>/dev/null"
    cx_write_config "$home/.claude-exec" CX_CREDENTIALS=broker
    head -c 1M /dev/zero >"$full/filler" 2>/dev/null
    cx_run_capture "" "$home" TMPDIR="$tmp" XDG_STATE_HOME="$full/state" XDG_CACHE_HOME="$full/cache" \
      shell -- true
    case $RUN_RC in
      0 | 125) ;;
      *) fail "full disk: cx exited $RUN_RC: $RUN_ERR" ;;
    esac
    # Only cx's own lines (a notice says the cache could not be written; that is not fatal).
    bad=$(grep -v '^cx: \(error\|hint\|warning\|notice\): ' <<<"$RUN_ERR")
    [ -z "$bad" ] || fail "full disk: stderr has other lines: $bad"
    [ "$RUN_RC" = 0 ] || [ "$(grep -c '^cx: error: ' <<<"$RUN_ERR")" = 1 ] ||
      fail "full disk: not exactly one error line: $RUN_ERR"
    cx_assert_no_containers_left podman "$proj"
    [ -z "$(ls -A "$tmp")" ] || fail "full disk: left in TMPDIR: $(ls -A "$tmp")"
    [ -z "$(find "$full" -name '*.tmp*' 2>/dev/null)" ] || fail "full disk: half-written files: $(find "$full" -name '*.tmp*')"
    pass "full disk under the state and cache: exit $RUN_RC, $(grep -c '^cx: error' <<<"$RUN_ERR") error line, nothing half-written, nothing left ($(grep -m 1 "^cx: error" <<<"$RUN_ERR"))"
  else
    echo "note: full-disk part skipped: cannot mount a tmpfs here"
  fi
else
  echo "note: full-disk part skipped: needs root to mount a small tmpfs"
fi

# --- 100 sessions in a row ------------------------------------------------------------------------
cx_write_config "$home/.claude-exec" CX_CREDENTIALS=broker CX_NETWORK=allowlist
t0=$SECONDS
for ((n = 1; n <= 100; n++)); do
  cx_run_capture "" "$home" TMPDIR="$tmp" shell -- true
  [ "$RUN_RC" = 0 ] || fail "session $n of 100 exited $RUN_RC: $RUN_ERR"
done
zombies=$(ps -eo stat=,ppid=,comm= | awk -v me=$$ '$1 ~ /^Z/ && $2 == me')
[ -z "$zombies" ] || fail "zombies after 100 sessions: $zombies"
nothing_left "100 sessions"
[ -z "$(ps -eo comm= | grep -x cx)" ] || fail "a cx process is left after 100 sessions"
pass "100 sessions in a row in $((SECONDS - t0)) s: no container, record, temp dir, reaper or zombie left"
