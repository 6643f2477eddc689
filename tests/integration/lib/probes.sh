# shellcheck shell=bash
# The hostile probe suite (tests/probes/hostile.sh) as the agent of a default-mode session. Source
# after common.sh, moto.sh and cx.sh; used by probes_test.sh (local runtimes, both transports) and
# remote_vm_test.sh (the simulated VM).
#
#   probes_host_service_start   a service on every address of the host (PROBE_HOST_PORT), which
#                               the agent must not reach by any address
#   probe_in RUNTIME USER [KEY=VALUE...]
#                               run the probe in a session of RUNTIME as USER (empty: root), with
#                               the KEY=VALUE given added to the config; fails on any BROKEN line.
#                               PROBE_HOST_ADDRS (optional): more host addresses the probe tries.

probes_host_service_start() {
  PROBE_HOST_PORT=$(free_port)
  socat "TCP-LISTEN:$PROBE_HOST_PORT,fork,reuseaddr" SYSTEM:'echo host-service-reached' >/dev/null 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null"
  export PROBE_HOST_PORT
}

probe_in() {
  local rt=$1 user=$2 home proj probe="$CX_SOURCE_DIR/tests/probes/hostile.sh"
  shift 2
  [ -r "$probe" ] || fail "no probe script at $probe"
  [ -n "${PROBE_HOST_PORT:-}" ] || fail "probe_in: call probes_host_service_start first"
  home=$(new_home "$user")
  moto_write_aws_credentials "$home"
  cx_write_config "$home/.claude-exec" RUNTIME="$rt" CX_CREDENTIALS=broker CX_NETWORK=allowlist \
    PROBE_HOST_PORT="$PROBE_HOST_PORT" "PROBE_HOST_ADDRS='${PROBE_HOST_ADDRS:-}'" "$@"
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
