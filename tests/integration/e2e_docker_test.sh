#!/usr/bin/env bash
# End to end with docker, as the unprivileged test user in group docker: the real Claude Code in
# the image cx builds answers `cx -p` through cx's credential endpoint and egress proxy, against
# moto and the Bedrock stand-in (see lib/e2e.sh, e2e_session_checks).
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/e2e.sh"

require_cx
require_cmd jq setpriv timeout
require_docker
require_test_user
id -nG "$CX_TEST_USER" | grep -qw docker || skip "$CX_TEST_USER is not in group docker"
run_as_user "$CX_TEST_USER" test -x "$CX_BIN" ||
  skip "$CX_TEST_USER cannot execute $CX_BIN (a parent directory is not searchable)"
moto_up
cx_image_ensure docker
e2e_session_checks "$CX_TEST_DOCKER" "$CX_TEST_USER"
