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

ran=0 failed=0
for part in remote_docker remote_podman; do
  subtest "$part"
  case $? in
    0) ran=1 ;;
    77) echo "note: $part skipped (reason above)" ;;
    *) failed=1 ;;
  esac
done
[ "$failed" = 0 ] || exit 1
[ "$ran" = 1 ] || skip "neither docker nor podman could run the remote transport"
