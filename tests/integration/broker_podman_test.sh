#!/usr/bin/env bash
# The broker in the default modes with rootful podman: egress allowlist, credential endpoint and
# its renewal, inspect, kill -9 (see lib/broker_checks.sh).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"
. "$(dirname "$0")/lib/broker_checks.sh"

require_cx
require_cmd python3
require_podman
moto_up
cx_image_ensure podman
broker_session_checks podman ""
