#!/usr/bin/env bash
# The remote transport (CX_TRANSPORT=remote) forced on the local runtimes, so that its path runs on
# every CI run: the same broker checks as broker_docker_test / broker_podman_test (allowlist,
# metadata and loopback refused, no direct route, credentials only with the token, renewal, no
# secret in inspect), through the gate and the session's internal network, kill -9 of cx
# removing the agent's container, the gate and the network within 5 s, and the real Claude Code
# answering through it (the Bedrock stand-in). docker as the unprivileged
# user in the docker group; podman as root (a rootless podman cannot take the remote transport on
# this host, see runtime/transport.cpp).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"
. "$(dirname "$0")/lib/broker_checks.sh"
. "$(dirname "$0")/lib/bedrock.sh"
. "$(dirname "$0")/lib/e2e.sh"

require_cx
require_cmd python3
moto_up

remote_docker() {
  require_docker
  require_test_user
  cx_image_ensure docker
  # The plan, as --dry-run prints it: every command of the remote transport, no secret.
  local home proj
  home=$(new_home "$CX_TEST_USER")
  moto_write_aws_credentials "$home"
  cx_write_config "$home/.claude-exec" RUNTIME="$CX_TEST_DOCKER" CX_CREDENTIALS= CX_NETWORK= \
    CX_TRANSPORT=remote
  proj="$home/dryproj"
  mkdir -p "$proj" && chown -R "$CX_TEST_USER:" "$proj" && cd "$proj" || fail "mkdir $proj"
  cx_run_capture "$CX_TEST_USER" "$home" run --dry-run -- -p hi
  assert_rc 0 "cx run --dry-run (remote)"
  local want
  for want in "# transport: remote (CX_TRANSPORT=remote" "network create --internal" \
    "create --rm --name cx-gate-" "--read-only" "--cap-drop=ALL" "network connect bridge cx-gate-" \
    "start cx-gate-" "--add-host=cx-gate:<gate-address>" "cp - cx-dryproj-" "start -a -i cx-dryproj-" \
    "<proxy-port>" "network rm cx-net-"; do
    assert_contains "$RUN_OUT" "$want" "cx run --dry-run (remote)"
  done
  assert_not_contains "$RUN_OUT$RUN_ERR" "$(moto_key AWS_SECRET_ACCESS_KEY)" "cx run --dry-run (remote)"
  [ -z "$(cx_session_containers "$CX_TEST_DOCKER" "$proj" "$CX_TEST_USER")" ] || fail "a dry run started a container"
  pass "cx run --dry-run shows the remote plan ($(grep -c '^# ' <<<"$RUN_OUT") steps described), starts nothing"
  cd "$TEST_TMP" || fail "cd $TEST_TMP"

  # A step of the plan fails (the copy of the secrets, after the network and the gate exist): one
  # error line, exit 125, and nothing of the session is left.
  mkdir -p "$TEST_TMP/bin"
  printf '#!/bin/sh\nif [ "$1" = cp ]; then echo "injected failure of cp" >&2; exit 1; fi\nexec %s "$@"\n' \
    "$CX_TEST_DOCKER" >"$TEST_TMP/bin/docker"
  chmod 0755 "$TEST_TMP/bin" "$TEST_TMP/bin/docker"
  cx_write_config "$home/.claude-exec" RUNTIME="$TEST_TMP/bin/docker" CX_CREDENTIALS= CX_NETWORK= \
    CX_TRANSPORT=remote
  cd "$proj" || fail "cd $proj"
  cx_run_capture "$CX_TEST_USER" "$home" shell -- true
  cd "$TEST_TMP" || fail "cd $TEST_TMP"
  assert_rc 125 "cx shell with a failing cp"
  cx_assert_one_error "cx shell with a failing cp"
  assert_contains "$RUN_ERR" "injected failure of cp" "cx shell with a failing cp"
  local sid
  sid=$(basename "$(ls -t "$home"/.local/state/cx/sessions/*.jsonl | head -n 1)" .jsonl)
  cx_assert_session_gone "$CX_TEST_DOCKER" "$sid" "$CX_TEST_USER"
  [ -z "$(ls "$home"/.local/state/cx/sessions/*.json 2>/dev/null)" ] || fail "a session record is left"
  pass "a failing step ($(grep '^cx: error' <<<"$RUN_ERR" | cut -c1-100)...) leaves no container, gate or network"
  broker_session_checks "$CX_TEST_DOCKER" "$CX_TEST_USER" CX_TRANSPORT=remote
  # The real Claude Code through the gate, answered by the Bedrock stand-in.
  e2e_session_checks "$CX_TEST_DOCKER" "$CX_TEST_USER" CX_TRANSPORT=remote
  grep -q '"transport":"remote"' "$E2E_AUDIT" || fail "the e2e session did not take the remote transport"
  pass "docker: the real Claude Code answered through the remote transport"
}

remote_podman() {
  require_podman
  cx_image_ensure podman
  broker_session_checks podman "" CX_TRANSPORT=remote
  e2e_session_checks podman "" CX_TRANSPORT=remote
  grep -q '"transport":"remote"' "$E2E_AUDIT" || fail "the e2e session did not take the remote transport"
  pass "podman: the real Claude Code answered through the remote transport"
}

subtests_each "neither docker nor podman could run the remote transport" remote_docker remote_podman
