#!/usr/bin/env bash
# The podman session checks of podman_session_test.sh with rootless podman, run as the unprivileged
# test user: the image is copied into that user's storage (a rootless build cannot reach the network
# here), and the owner of a file written in /src must be that user.
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"
# shellcheck source=tests/integration/lib/cx.sh
. "$here/lib/cx.sh"

require_cx
require_rootless_podman
require_cmd flock sha256sum
run_as_user "$CX_TEST_USER" test -x "$CX_BIN" ||
  skip "$CX_TEST_USER cannot execute $CX_BIN (a parent directory is not searchable)"
# Rootless podman has no network of its own on these machines (slirp4netns cannot open
# /dev/net/tun); cx's allowlist mode needs none: the container has loopback only and reaches out
# through cx's proxy. Credentials stay in env mode here so that the session checks can compare
# them; broker_rootless_test.sh runs the default modes.
net=allowlist
moto_up
cx_image_ensure rootless
echo "--- rootless podman, as $CX_TEST_USER (CX_NETWORK=$net)"
cx_session_checks podman "$CX_TEST_USER" CX_NETWORK="$net"
echo "podman_rootless_session_test: the rootless podman session passes"
