#!/usr/bin/env bash
# The broker in the default modes with docker, as the unprivileged user in the docker group (see
# lib/broker_checks.sh).
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"
. "$(dirname "$0")/lib/broker_checks.sh"

require_cx
require_cmd python3
require_docker
require_test_user
moto_up
cx_image_ensure docker
broker_session_checks "$CX_TEST_DOCKER" "$CX_TEST_USER"
