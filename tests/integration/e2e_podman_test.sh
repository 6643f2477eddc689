#!/usr/bin/env bash
# End to end with rootful podman: the real Claude Code in the image cx builds answers `cx -p`
# through cx's credential endpoint and egress proxy, against moto and the Bedrock stand-in
# (see lib/e2e.sh, e2e_session_checks).
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/e2e.sh"

require_cx
require_cmd jq setpriv timeout
require_podman
moto_up
cx_image_ensure podman
e2e_session_checks podman ""
