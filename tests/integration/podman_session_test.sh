#!/usr/bin/env bash
# A real cx session with podman: cx build of the embedded Containerfile (shared image, see
# lib/cx.sh), STS AssumeRole against moto with authentication on, then `cx shell` checks of /src,
# uid/gid, file ownership, forwarded and unforwarded variables, the role credentials, exit status
# passthrough, cleanup and argv secrecy, with rootful podman as root. The rootless variant is
# podman_rootless_session_test.sh.
here=$(dirname "$0")
# shellcheck source=tests/integration/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/integration/lib/moto.sh
. "$here/lib/moto.sh"
# shellcheck source=tests/integration/lib/cx.sh
. "$here/lib/cx.sh"

require_cx
require_podman
require_cmd flock sha256sum
moto_up
cx_image_ensure podman

echo "--- rootful podman, as $(id -un)"
cx_session_checks podman ""

echo "podman_session_test: the rootful podman session passes"
