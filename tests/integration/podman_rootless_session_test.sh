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
net=open
# Rootless podman has no network of its own on these machines (slirp4netns cannot open
# /dev/net/tun); cx's default allowlist mode needs none, but this version supports only open.
if ! (cd / && run_as_user "$CX_TEST_USER" CONTAINERS_CONF="$CONTAINERS_CONF" podman run --rm \
  "$CX_TEST_IMAGE_PODMAN" true) >"$TEST_TMP/rootless-net.log" 2>&1; then
  home=$(new_home "$CX_TEST_USER")
  cx_write_config "$home/.claude-exec" CX_NETWORK=allowlist
  cd "$home" || fail "cd $home"
  mkdir -p "$home/p" && chown "$CX_TEST_USER:" "$home/p" && cd "$home/p" || fail "mkdir $home/p"
  cx_run_capture "$CX_TEST_USER" "$home" run --dry-run
  [ "$RUN_RC" = 0 ] ||
    skip "rootless podman: its default network fails here ($(grep -o 'open(.*Permission denied' "$TEST_TMP/rootless-net.log" | head -n 1 | tr -d '\\"')) and cx does not support CX_NETWORK=allowlist yet (${RUN_ERR%%$'\n'*})"
  net=allowlist
fi
moto_up
cx_image_ensure rootless
echo "--- rootless podman, as $CX_TEST_USER (CX_NETWORK=$net)"
cx_session_checks podman "$CX_TEST_USER" CX_NETWORK="$net"
echo "podman_rootless_session_test: the rootless podman session passes"
