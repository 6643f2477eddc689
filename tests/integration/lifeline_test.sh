#!/usr/bin/env bash
# The lifeline holds against a hostile agent: the agent kills every process
# in its container it can (the entrypoint's own lifeline watcher and relays
# included) and keeps writing /src; then cx is killed with SIGKILL. The
# host-side reaper must still stop the container within 5 s (docs/contract.md §Lifeline) and
# remove the broker directory (the endpoint's token) and the session record,
# and the audit log must say the session was abandoned. SIGKILL of cx in the
# earlier phases (while the runtime client creates the container, while a
# credential_process runs) leaves no container and no process behind either.
# And the reaper itself cannot be stopped by the signals a user sends cx.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"

require_cx
require_podman
moto_up
cx_image_ensure podman

home=$(new_home)
moto_write_aws_credentials "$home"
# The default credential mode: the broker directory holds the endpoint's token.
cx_write_config "$home/.claude-exec" CX_CREDENTIALS=broker
proj="$TEST_TMP/proj"
mkdir -p "$proj"
cd "$proj" || fail "cd $proj"
sessions="$home/.local/state/cx/sessions"

# The agent: kill -9 every process of the container but pid 1 (the init,
# which ignores it) and itself, then write /src forever.
# shellcheck disable=SC2016
attack='for d in /proc/[0-9]*; do p=${d#/proc/}; [ "$p" = 1 ] || [ "$p" = $$ ] || kill -9 "$p" 2>/dev/null; done
echo disarmed; while :; do date +%s.%N >/src/heartbeat; sleep 0.1; done'

# start_cx ARGS...: run cx in the background (CX_PID), output in out/err.
start_cx() {
  HOME="$home" AWS_ENDPOINT_URL_STS="$MOTO_ENDPOINT" "$CX_BIN" "$@" \
    </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
  CX_PID=$!
}

# reaper_of PID: the pid of cx's reaper (its child named cx-reaper).
reaper_of() { pgrep -P "$1" -x cx-reaper | head -n 1; }

# --- 1. the agent disarms what it can, then cx dies by SIGKILL ---------------------------------

start_cx shell -- sh -c "$attack"
for ((i = 0; i < 600; i++)); do
  grep -q disarmed "$TEST_TMP/out" 2>/dev/null && break
  kill -0 "$CX_PID" 2>/dev/null || { cat "$TEST_TMP/err"; fail "cx ended before the attack ran"; }
  sleep 0.1
done
grep -q disarmed "$TEST_TMP/out" || { cat "$TEST_TMP/err"; fail "the attack never reported"; }
container=$(podman ps -q --filter "label=cx.pid=$CX_PID")
[ -n "$container" ] || fail "no running container for cx $CX_PID"
reaper=$(reaper_of "$CX_PID")
[ -n "$reaper" ] || fail "cx $CX_PID has no cx-reaper child"
record=$(ls "$sessions"/*.json)
[ -f "$record" ] || fail "no session record in $sessions"
broker_dir=$(jq -r .broker_dir "$record")
[ -d "$broker_dir" ] || fail "the record's broker directory [$broker_dir] does not exist"
log=${record%.json}.jsonl
sleep 1
h1=$(cat "$proj/heartbeat")
sleep 0.5
[ "$(cat "$proj/heartbeat")" != "$h1" ] || fail "the agent is not writing /src (the attack did not run)"

# The user's signals stop cx, never the reaper: it has its own session and
# blocks them (only SIGKILL would stop it, and the agent cannot reach it).
for sig in TERM INT HUP QUIT USR1; do kill -"$sig" "$reaper"; done
sleep 0.3
kill -0 "$reaper" 2>/dev/null || fail "a signal a user sends stopped the reaper"
[ "$(ps -o sid= -p "$reaper" | tr -d ' ')" = "$reaper" ] || fail "the reaper is not in a session of its own"

t0=$(date +%s.%N)
kill -KILL "$CX_PID"
wait "$CX_PID" 2>/dev/null
stopped=""
for ((i = 0; i < 150; i++)); do
  if [ -z "$(podman ps -q --filter "id=$container")" ]; then
    stopped=$(date +%s.%N)
    break
  fi
  sleep 0.1
done
[ -n "$stopped" ] || fail "the container still runs 15 s after cx was killed"
secs=$(awk -v a="$t0" -v b="$stopped" 'BEGIN { printf "%.1f", b - a }')
awk -v s="$secs" 'BEGIN { exit !(s <= 5) }' ||
  fail "the container stopped ${secs} s after cx was killed (docs/contract.md §Lifeline: 5 s)"
h1=$(cat "$proj/heartbeat")
sleep 1
[ "$(cat "$proj/heartbeat")" = "$h1" ] || fail "/src is still written after the container stopped"
wait_gone "$reaper" 15
[ -z "$(podman ps -aq --filter "id=$container")" ] || fail "the container was stopped but not removed"
[ ! -e "$broker_dir" ] || fail "the broker directory (with the token) is left: $broker_dir"
[ ! -e "$record" ] || fail "the session record is left: $record"
grep -q '"event":"session_abandoned"' "$log" || fail "the audit log has no session_abandoned: $(tail -n 2 "$log")"
pass "agent killed its in-container watcher, cx got SIGKILL: container gone in ${secs} s, broker dir, record gone, audit says session_abandoned"

# --- 2. SIGKILL while the runtime client is creating the container -------------------------------

start_cx shell -- sleep 300
client=""
for ((i = 0; i < 600; i++)); do
  client=$(pgrep -P "$CX_PID" -x podman | head -n 1)
  [ -n "$client" ] && break
  kill -0 "$CX_PID" 2>/dev/null || { cat "$TEST_TMP/err"; fail "cx ended before its client started"; }
  sleep 0.05
done
[ -n "$client" ] || fail "cx never started its runtime client"
reaper=$(reaper_of "$CX_PID")
kill -KILL "$CX_PID"
wait "$CX_PID" 2>/dev/null
wait_gone "$reaper" 30
wait_gone "$client" 5
# The daemon-less podman may finish creating the container after its client
# died; the reaper removes it again a second later. Nothing may be left.
sleep 1
cx_assert_no_containers_left podman "$proj"
[ -z "$(ls "$sessions"/*.json 2>/dev/null)" ] || fail "a session record is left: $(ls "$sessions")"
pass "cx killed while its client created the container: client killed, no container, no record"

# --- 3. SIGKILL while a credential_process runs -----------------------------------------------

chome=$(new_home)
cat >"$chome/slow-creds" <<'EOF'
#!/bin/sh
# A credential_process that takes long; the test kills cx meanwhile.
exec sleep 300
EOF
chmod 755 "$chome/slow-creds"
mkdir -p "$chome/.aws"
printf '[profile slow]\ncredential_process = %s\n' "$chome/slow-creds" >"$chome/.aws/config"
cx_write_config "$chome/.claude-exec" AWS_PROFILE=slow
HOME="$chome" "$CX_BIN" shell -- true </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
CX_PID=$!
helper=""
for ((i = 0; i < 300; i++)); do
  helper=$(pgrep -P "$CX_PID" -f slow-creds | head -n 1)
  [ -z "$helper" ] && helper=$(pgrep -P "$CX_PID" -x sleep | head -n 1)
  [ -n "$helper" ] && break
  sleep 0.05
done
[ -n "$helper" ] || { cat "$TEST_TMP/err"; fail "the credential_process never started"; }
reaper=$(reaper_of "$CX_PID")
kill -KILL "$CX_PID"
wait "$CX_PID" 2>/dev/null
wait_gone "$reaper" 15
wait_gone "$helper" 5
pass "cx killed while credential_process ran: the helper was killed too"

# --- 4. SIGTERM while the credentials are pending: cx ends at once -----------------------------

HOME="$chome" "$CX_BIN" shell -- true </dev/null >"$TEST_TMP/out" 2>"$TEST_TMP/err" &
CX_PID=$!
helper=""
for ((i = 0; i < 300; i++)); do
  helper=$(pgrep -P "$CX_PID" -x sleep | head -n 1)
  [ -n "$helper" ] && break
  sleep 0.05
done
[ -n "$helper" ] || { cat "$TEST_TMP/err"; fail "the credential_process never started"; }
kill -TERM "$CX_PID"
rc=0
wait_gone "$CX_PID" 5 "cx (SIGTERM while it waits for its credentials)"
wait "$CX_PID" || rc=$?
assert_eq 143 "$rc" "cx's exit status after SIGTERM during the credentials"
wait_gone "$helper" 5
pass "SIGTERM while the credentials are pending: cx exits 143 at once, the helper is gone"

cx_assert_no_containers_left podman "$proj"
