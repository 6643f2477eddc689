#!/usr/bin/env bash
# The hostile probe suite (tests/probes/hostile.sh) run as the agent inside a
# default-mode session (broker credentials, allowlist network) on podman (as
# root, CX_ALLOW_ROOT=1) and on docker (as the test user), on the local and
# the remote transport: every attack class a review found cx to hold against
# must still hold. A service listens on all of the host's addresses
# (PROBE_HOST_PORT): the agent must not reach it by any address.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"

require_cx
moto_up
probe="$CX_SOURCE_DIR/tests/probes/hostile.sh"
[ -r "$probe" ] || fail "no probe script at $probe"

host_port=$(free_port)
socat "TCP-LISTEN:$host_port,fork,reuseaddr" SYSTEM:'echo host-service-reached' >/dev/null 2>&1 &
host_service=$!
on_exit "kill $host_service 2>/dev/null"

# probe_in RUNTIME USER [KEY=VALUE...]: run the probe in a session of RUNTIME as USER (empty:
# root), with the KEY=VALUE given added to the config.
probe_in() {
  local rt=$1 user=$2 home proj
  shift 2
  home=$(new_home "$user")
  moto_write_aws_credentials "$home"
  cx_write_config "$home/.claude-exec" RUNTIME="$rt" CX_CREDENTIALS=broker CX_NETWORK=allowlist \
    PROBE_HOST_PORT="$host_port" "$@"
  proj="$home/proj"
  mkdir -p "$proj"
  cp "$probe" "$proj/hostile.sh"
  [ -z "$user" ] || chown -R "$user:" "$proj"
  cd "$proj" || fail "cd $proj"
  cx_run_capture "$user" "$home" shell -- sh /src/hostile.sh
  cd "$TEST_TMP" || fail "cd $TEST_TMP"
  local broken held
  broken=$(grep '^BROKEN ' <<<"$RUN_OUT")
  held=$(grep -c '^HELD ' <<<"$RUN_OUT")
  [ -z "$broken" ] || fail "$rt: the sandbox did not hold:
$broken"
  grep -q '^probes: [0-9]* held, 0 broken$' <<<"$RUN_OUT" ||
    fail "$rt: the probe did not finish (exit $RUN_RC): $(tail -n 5 <<<"$RUN_OUT") $RUN_ERR"
  [ "$RUN_RC" = 0 ] || fail "$rt: the probe session exited $RUN_RC"
  [ "$held" -ge 100 ] || fail "$rt: only $held probes ran"
  grep -q 'denied' <<<"$RUN_ERR" || fail "$rt: the summary shows no denied egress: $RUN_ERR"
  pass "$rt ${user:-as root} ${*:-}: $held probes held, none broken ($(grep '^cx: session' <<<"$RUN_ERR" | cut -c1-120))"
}

ran=0
if [ -z "${CX_SKIP_PODMAN:-}" ] && [ "$(id -u)" = 0 ]; then
  cx_image_ensure podman
  probe_in podman ""
  probe_in podman "" CX_TRANSPORT=remote
  ran=1
else
  echo "note: podman part skipped: ${CX_SKIP_PODMAN:-needs root}"
fi
if [ -z "${CX_SKIP_DOCKER:-}" ] && [ -z "${CX_SKIP_USER:-}" ] && id -nG "$CX_TEST_USER" | grep -qw docker &&
  run_as_user "$CX_TEST_USER" test -x "$CX_BIN"; then
  cx_image_ensure docker
  probe_in "$CX_TEST_DOCKER" "$CX_TEST_USER"
  probe_in "$CX_TEST_DOCKER" "$CX_TEST_USER" CX_TRANSPORT=remote
  ran=1
else
  echo "note: docker part skipped: ${CX_SKIP_DOCKER:-${CX_SKIP_USER:-the test user cannot use docker}}"
fi
[ "$ran" = 1 ] || skip "neither podman nor docker is usable"
