#!/usr/bin/env bash
# A real cx session with docker, run as the unprivileged test user (in group docker): the same
# checks as podman_session_test.sh, so the owner of a file written in /src must be that user, not
# root. The image is the shared test image, moved from podman's storage (lib/cx.sh).
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"
# shellcheck source=tests/integration/lib/cx.sh
. "$here/lib/cx.sh"

require_cx
require_docker
require_test_user
require_cmd flock sha256sum
id -nG "$CX_TEST_USER" | grep -qw docker || skip "$CX_TEST_USER is not in group docker"
# The binary under test must be runnable by the test user.
run_as_user "$CX_TEST_USER" test -x "$CX_BIN" ||
  skip "$CX_TEST_USER cannot execute $CX_BIN (a parent directory is not searchable)"
moto_up
cx_image_ensure docker

echo "--- docker ($CX_TEST_DOCKER), as $CX_TEST_USER"
cx_session_checks "$CX_TEST_DOCKER" "$CX_TEST_USER"
echo "docker_session_test: the docker session passes"
