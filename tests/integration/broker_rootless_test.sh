#!/usr/bin/env bash
# The broker in the default modes with rootless podman, as the unprivileged test user: the whole
# session (egress, credential endpoint and renewal, inspect, kill -9) with user namespaces, and
# files written in /src belong to that user (see lib/broker_checks.sh and
# podman_rootless_session_test.sh).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"
. "$(dirname "$0")/lib/broker_checks.sh"

require_cx
require_cmd python3
require_rootless_podman
run_as_user "$CX_TEST_USER" test -x "$CX_BIN" ||
  skip "$CX_TEST_USER cannot execute $CX_BIN (a parent directory is not searchable)"
moto_up
cx_image_ensure rootless
broker_session_checks podman "$CX_TEST_USER"
