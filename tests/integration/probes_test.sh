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
. "$(dirname "$0")/lib/probes.sh"

require_cx
moto_up
probes_host_service_start

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
