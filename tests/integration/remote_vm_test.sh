#!/usr/bin/env bash
# cx in its default modes against engines in a simulated VM (lib/vm.sh: their own namespaces,
# file sharing over FUSE that carries no unix socket, host loopback forwarded as Docker Desktop and
# podman machine do): a docker daemon reached as DOCKER_HOST=tcp://..., and a podman service
# reached as CONTAINER_HOST=tcp://... . With CX_TRANSPORT unset (auto) cx must take the remote
# transport by itself and `cx doctor` must say so and why; then the same broker checks as on the
# local runtimes (allowlist, metadata and loopback refused, no direct route, credentials only with
# the token, renewal, no secret in inspect, kill -9 of cx removing the container, the gate and the
# network within 5 s), the hostile probe suite (tests/probes/hostile.sh), and the real Claude Code
# answering through the Bedrock stand-in.
here=$(dirname "$0")
. "$here/lib/common.sh"
. "$here/lib/moto.sh"
. "$here/lib/cx.sh"
. "$here/lib/broker_checks.sh"
. "$here/lib/bedrock.sh"
. "$here/lib/e2e.sh"
. "$here/lib/probes.sh"
# shellcheck source=lib/vm.sh
. "$here/lib/vm.sh"

require_cx
require_cmd python3
require_cmd jq
moto_up
probes_host_service_start

# in_vm ENGINE RUNTIME_CMD: the checks against ENGINE's VM.
in_vm() {
  local engine=$1 rt=$2 home
  require_vm "$engine"
  # The image comes from the host's engine (built or loaded there before the VM exists: once
  # vm_start has exported DOCKER_HOST / CONTAINER_HOST the clients talk to the VM).
  cx_image_ensure "$engine"
  # Homes and projects are made under TEST_TMP: the folder the VM shares, as /Users is Docker
  # Desktop's. The broker directory (XDG_RUNTIME_DIR or /tmp) is not shared, and is not needed.
  VM_SHARED=$TEST_TMP
  vm_start "$engine"
  vm_load_image "$engine" "$CX_ITEST_IMAGE"

  home=$(new_home "")
  moto_write_aws_credentials "$home"
  cx_write_config "$home/.claude-exec" RUNTIME="$rt" CX_CREDENTIALS= CX_NETWORK=
  mkdir -p "$home/proj" && cd "$home/proj" || fail "cd $home/proj"
  cx_run_capture "" "$home" doctor
  local line
  line=$(grep -E '^(✓|✗) transport: ' <<<"$RUN_OUT")
  case $engine in
    docker) assert_contains "$line" "✓ transport: remote: DOCKER_HOST is tcp://" "cx doctor's transport line" ;;
    podman) assert_contains "$line" "✓ transport: remote: CONTAINER_HOST is tcp://" "cx doctor's transport line" ;;
  esac
  assert_contains "$line" "the broker listens on 127.0.0.1" "cx doctor's transport line"
  pass "$engine VM: cx doctor: $line"

  broker_session_checks "$rt" ""
  # The hostile probe suite, as on the local runtimes; the VM's way to the host's loopback is one
  # more address the agent must not reach.
  PROBE_HOST_ADDRS=$VM_HOST_ADDR probe_in "$rt" ""
  e2e_session_checks "$rt" ""
  grep -q '"transport":"remote"' "$E2E_AUDIT" || fail "the session did not take the remote transport"
  pass "$engine VM: the real Claude Code answered through the gate (transport chosen by cx: remote)"
}

subtests_each "no simulated VM could run" "in_vm docker ${CX_TEST_DOCKER:-docker}" "in_vm podman podman"
