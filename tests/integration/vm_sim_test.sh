#!/usr/bin/env bash
# The simulated VM of lib/vm.sh (a runtime whose containers live in a VM, as with Docker Desktop or
# podman machine), for docker and for podman, each in a subtest. With the VM's engine reached only
# through what vm_start exports (DOCKER_HOST / CONTAINER_HOST), a container in the VM:
#   (a) does not see the host's /tmp (nor its /run, /var/tmp/cx-test, ...);
#   (b) sees, and writes to, VM_SHARED;
#   (c) cannot connect to a unix socket the host listens on in VM_SHARED (FUSE, as Docker Desktop);
#   (d) reaches a host service on 127.0.0.1:P through the host-gateway name, arriving from 127.0.0.1,
#       but not a service on another address of the host, nor the VM's engine API;
#   (e) on an --internal network, reaches neither;
# plus what cx's remote transport builds on: `network connect` and `cp -` (a tar on stdin, to /run)
# on a created container that has not started. The VM's hostname is not the host's and the engine
# reports it. After vm_stop no netns, veth, iptables rule, mount, process, cgroup or state is left.
# shellcheck source-path=SCRIPTDIR
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/vm.sh
. "$(dirname "$0")/lib/vm.sh"

# client ENGINE ARGS...: the engine's plain client, as in a user's shell: where it goes is decided by
# what vm_start exported (DOCKER_HOST; CONTAINER_HOST, which makes podman 4.3 remote by itself).
client() {
  local engine=$1
  shift
  if [ "$engine" = docker ]; then "${CX_TEST_DOCKER:-docker}" "$@"; else podman "$@"; fi
}

# host_image ENGINE: the base image, which must exist in the host's engine of that kind.
host_image() {
  if [ "$1" = docker ]; then
    echo "${CX_TEST_IMAGE_DOCKER:-debian:bookworm-slim}"
  else
    echo "${CX_TEST_IMAGE_PODMAN:-docker.io/library/debian:bookworm-slim}"
  fi
}

# descendants PID: PID and every process below it.
descendants() {
  local -a todo=("$1")
  local p
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}
    todo=("${todo[@]:1}")
    echo "$p"
    # shellcheck disable=SC2207
    todo+=($(ps -o pid= --ppid "$p" 2>/dev/null))
  done
}

# shellcheck disable=SC2016 # expanded in the container
# The shell code a container runs to fetch one TCP answer: tcp_get HOST PORT (5 s at most).
TCP_GET='timeout 5 bash -c "exec 3<>/dev/tcp/\$0/\$1 && cat <&3" "$@"'

vm_checks() {
  local engine=$1 image gw_name hosts_ip probe host_name port port2 sock run_net i t0
  require_vm "$engine"
  require_cmd socat perl
  image=$(host_image "$engine")
  if [ "$engine" = docker ]; then
    env -u DOCKER_HOST "${CX_TEST_DOCKER:-docker}" image inspect "$image" >/dev/null 2>&1 ||
      skip "docker: base image $image is not in the host's docker (run scripts/test-env.sh)"
    gw_name=host.docker.internal
    run_net=(--add-host host.docker.internal:host-gateway)
  else
    env -u CONTAINER_HOST podman image exists "$image" ||
      skip "podman: base image $image is not in the host's podman (run scripts/test-env.sh)"
    gw_name=host.containers.internal
    run_net=()
  fi

  # Host data the VM must not see, and host services it may or may not reach.
  probe=/tmp/cxvm-probe.$$.$engine
  echo "host-only" >"$probe"
  on_exit "rm -f '$probe'"
  echo "host-only" >"$TEST_TMP/host-only"
  port=$(free_port)
  # shellcheck disable=SC2016 # expanded by socat's shell
  socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" SYSTEM:'echo "hello peer=$SOCAT_PEERADDR"' &
  on_exit "kill $! 2>/dev/null"
  # A service on another address of the host (one this test adds to lo, reachable only here).
  ip addr add 10.213.3.1/32 dev lo label lo:cxvm 2>/dev/null ||
    ip -4 addr show dev lo | grep -q 10.213.3.1/32 || fail "cannot add 10.213.3.1 to lo"
  on_exit "ip addr del 10.213.3.1/32 dev lo 2>/dev/null"
  port2=$(free_port)
  socat "TCP-LISTEN:$port2,bind=10.213.3.1,reuseaddr,fork" SYSTEM:'echo other-address' &
  on_exit "kill $! 2>/dev/null"
  wait_for_port "$port" || fail "the host's test service did not listen"
  wait_for_port "$port2" 10.213.3.1 || fail "the host's service on 10.213.3.1 did not listen"

  t0=$SECONDS
  vm_start "$engine"
  pass "$engine: vm_start in $((SECONDS - t0)) s: $VM_NAME, engine at $VM_ADDR, host loopback at $VM_HOST_ADDR, shared $VM_SHARED"
  if [ "$engine" = docker ]; then
    assert_eq "tcp://$VM_ADDR:2375" "${DOCKER_HOST:-}" "DOCKER_HOST"
  else
    assert_eq "tcp://$VM_ADDR:2375" "${CONTAINER_HOST:-}" "CONTAINER_HOST"
  fi

  # The VM's hostname, and the engine's view of it through the exported variable alone.
  host_name=$(hostname)
  run_capture vm_exec "$engine" hostname
  assert_eq "$VM_NAME" "$RUN_OUT" "the VM's hostname"
  [ "$RUN_OUT" != "$host_name" ] || fail "the VM's hostname is the host's ($host_name)"
  if [ "$engine" = docker ]; then
    run_capture client docker info --format '{{.Name}}'
    assert_rc 0 "docker info"
    assert_eq "$VM_NAME" "$RUN_OUT" "docker info's Name"
  else
    run_capture client podman info --format '{{.Host.Hostname}} {{.Host.ServiceIsRemote}}'
    assert_rc 0 "podman info (CONTAINER_HOST only)"
    assert_eq "$VM_NAME true" "$RUN_OUT" "podman info's hostname, remote"
    run_capture client podman --remote info --format '{{.Host.Hostname}}'
    assert_eq "$VM_NAME" "$RUN_OUT" "podman --remote info's hostname"
  fi
  pass "$engine: the VM is $VM_NAME (the host is $host_name), and the engine says so"

  t0=$SECONDS
  vm_load_image "$engine" "$image"
  pass "$engine: vm_load_image $image in $((SECONDS - t0)) s"

  # (a) Not the host's /tmp, /run, ...; the VM's own ones.
  run_capture client "$engine" run --rm -v /tmp:/vmtmp -v /run:/vmrun "$image" \
    sh -c "test -d /vmtmp && test ! -e '/vmtmp/${probe#/tmp/}' && test ! -e /vmrun/user && echo clean"
  assert_eq clean "$RUN_OUT" "the VM's /tmp and /run seen from a container"
  for p in "$probe" "$TEST_TMP/host-only" /var/tmp/cx-test /run/user /run/podman /run/containerd /run/netns \
    /home/"${CX_TEST_USER:-cxtest}" /root/.pyenv /work; do
    [ -e "$p" ] || continue
    # Absent in the VM, or the VM's own (the VM's engine makes its /run/containerd, for one).
    run_capture vm_exec "$engine" stat -c %d:%i "$p"
    [ "$RUN_OUT" != "$(stat -c %d:%i "$p")" ] || fail "the VM sees the host's $p"
  done
  if [ "$engine" = docker ]; then
    # /run/docker.sock in the VM is the VM's dockerd, not the host's.
    run_capture vm_exec docker docker -H unix:///run/docker.sock info --format '{{.Name}}'
    assert_eq "$VM_NAME" "$RUN_OUT" "the engine behind the VM's /run/docker.sock"
  else
    run_capture vm_exec podman test -e /run/docker.sock
    assert_rc 1 "the host's /run/docker.sock in the podman VM"
  fi
  pass "$engine: (a) the VM and its containers see neither the host's /tmp nor its /run, /var/tmp/cx-test, homes"

  # (b) VM_SHARED, both ways.
  echo "from-host $$" >"$VM_SHARED/from-host-$engine.txt"
  run_capture client "$engine" run --rm -v "$VM_SHARED:$VM_SHARED" "$image" \
    sh -c "cat '$VM_SHARED/from-host-$engine.txt' && echo from-vm >'$VM_SHARED/from-vm-$engine.txt' && mkdir '$VM_SHARED/dir-from-vm-$engine'"
  assert_rc 0 "a container using VM_SHARED"
  assert_eq "from-host $$" "$RUN_OUT" "the host's file in VM_SHARED, read in the VM"
  assert_eq from-vm "$(cat "$VM_SHARED/from-vm-$engine.txt" 2>/dev/null)" "the VM's file in VM_SHARED, read on the host"
  [ -d "$VM_SHARED/dir-from-vm-$engine" ] || fail "the VM's directory in VM_SHARED is not on the host"
  run_capture vm_exec "$engine" sh -c "grep -F ' $VM_SHARED ' /proc/mounts"
  assert_contains "$RUN_OUT" " fuse " "VM_SHARED's mount in the VM"
  pass "$engine: (b) VM_SHARED is shared both ways, through FUSE in the VM"

  # (c) A unix socket the host listens on in VM_SHARED.
  sock=$VM_SHARED/host-$engine.sock
  socat "UNIX-LISTEN:$sock,fork" SYSTEM:'echo sock-ok' &
  on_exit "kill $! 2>/dev/null"
  for ((i = 0; i < 50; i++)); do [ -S "$sock" ] && break; sleep 0.1; done
  run_capture socat -T 5 - "UNIX-CONNECT:$sock"
  assert_eq sock-ok "$RUN_OUT" "the host's socket, from the host"
  run_capture vm_exec "$engine" socat -T 5 - "UNIX-CONNECT:$sock"
  [ "$RUN_RC" != 0 ] || fail "the VM connected to the host's unix socket in VM_SHARED"
  assert_contains "$RUN_ERR" "Connection refused" "socat in the VM"
  # shellcheck disable=SC2016 # perl
  run_capture client "$engine" run --rm -v "$VM_SHARED:$VM_SHARED" "$image" perl -MIO::Socket::UNIX -e '
    -S $ARGV[0] or die "no socket file\n";
    my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0])
      or do { print "connect: $!\n"; exit 3 };
    print <$s>;' "$sock"
  assert_eq "connect: Connection refused" "$RUN_OUT" "a container connecting to the host's socket"
  pass "$engine: (c) the host's unix socket in VM_SHARED is a socket file in the VM, but connecting is refused"

  # (d) The host's loopback through the host-gateway name, from the engine's default network.
  run_capture client "$engine" run --rm "${run_net[@]}" "$image" \
    bash -c "getent hosts $gw_name | cut -d' ' -f1; ip=\$(getent hosts $gw_name | cut -d' ' -f1); set -- $gw_name $port; $TCP_GET"
  assert_rc 0 "a container fetching the host's 127.0.0.1:$port"
  hosts_ip=$(head -n 1 <<<"$RUN_OUT")
  assert_eq "hello peer=127.0.0.1" "$(sed -n 2p <<<"$RUN_OUT")" "the host service's answer via $gw_name"
  if [ "$engine" = docker ]; then
    assert_eq "$VM_HOST_ADDR" "$hosts_ip" "$gw_name"
  else
    assert_eq "$(client podman network inspect podman --format '{{range .Subnets}}{{.Gateway}}{{end}}')" \
      "$hosts_ip" "$gw_name (the default network's gateway)"
  fi
  pass "$engine: (d) $gw_name ($hosts_ip) port $port reaches the host's 127.0.0.1:$port, seen there from 127.0.0.1"
  run_capture client "$engine" run --rm "$image" bash -c "set -- 10.213.3.1 $port2; $TCP_GET"
  if [ "$RUN_RC" = 0 ] || [ -n "$RUN_OUT" ]; then fail "a container reached the host's service on 10.213.3.1"; fi
  run_capture client "$engine" run --rm "$image" bash -c "set -- $VM_HOST_ADDR $port2; $TCP_GET"
  [ "$RUN_RC" != 0 ] || fail "a container reached the host's 10.213.3.1:$port2 through $VM_HOST_ADDR"
  run_capture client "$engine" run --rm "$image" bash -c "set -- $VM_ADDR 2375; $TCP_GET"
  [ "$RUN_RC" != 0 ] || fail "a container reached the VM's engine API"
  pass "$engine: (d) but neither a host service on another host address, nor the VM's engine API"

  # (e) An --internal network.
  run_capture client "$engine" network create --internal cxvm-int
  assert_rc 0 "network create --internal"
  run_capture client "$engine" run --rm --network cxvm-int "${run_net[@]}" "$image" bash -c "
    echo \"$gw_name is \$(getent hosts $gw_name | cut -d' ' -f1)\"
    for h in $gw_name $VM_HOST_ADDR; do
      set -- \$h $port
      if out=\$($TCP_GET 2>&1); then echo \"reached \$h: \$out\"; else echo \"\$h: exit \$? \${out:+(\$out)}\"; fi
    done"
  assert_rc 0 "a container on the internal network"
  assert_not_contains "$RUN_OUT" reached "the internal container's output"
  pass "$engine: (e) from an --internal network the host does not answer: $(tr '\n' ';' <<<"$RUN_OUT" | sed 's/bash: line [0-9]*: //g')"

  # What cx's remote transport builds on: a gate made on the internal network, then connected to
  # the default one, and given files with `cp -` (a tar on stdin) into /run, all before it starts.
  local defnet=bridge tardir
  [ "$engine" = podman ] && defnet=podman
  run_capture client "$engine" create --name cxvm-gate --network cxvm-int "${run_net[@]}" "$image" \
    bash -c "cat /run/cxvm-in/f; grep $gw_name /etc/hosts; set -- $VM_HOST_ADDR $port; $TCP_GET"
  assert_rc 0 "create the gate"
  run_capture client "$engine" network connect "$defnet" cxvm-gate
  assert_rc 0 "network connect $defnet on a created container"
  tardir=$(mktemp -d "$TEST_TMP/tar.XXXXXX")
  mkdir "$tardir/cxvm-in" && echo "copied-in" >"$tardir/cxvm-in/f"
  local cp_client=podman
  [ "$engine" = docker ] && cp_client=$(printf '%q' "${CX_TEST_DOCKER:-docker}")
  run_capture sh -c "tar -C '$tardir' -cf - cxvm-in | $cp_client cp - cxvm-gate:/run"
  assert_rc 0 "cp - cxvm-gate:/run on a created container"
  run_capture client "$engine" start -a cxvm-gate
  assert_rc 0 "the gate's run"
  assert_eq copied-in "$(head -n 1 <<<"$RUN_OUT")" "the file copied into the created container"
  assert_eq "hello peer=127.0.0.1" "$(tail -n 1 <<<"$RUN_OUT")" "the gate's fetch from the host"
  pass "$engine: a created container: network connect $defnet, cp - to /run, then started, reaches the host at $VM_HOST_ADDR ($gw_name in its /etc/hosts: $(sed -n 2p <<<"$RUN_OUT" | cut -f1))"
  run_capture client "$engine" rm -f cxvm-gate

  # Stop, with a container still running, and check that nothing is left.
  run_capture client "$engine" run -d --name cxvm-left "$image" sleep 600
  assert_rc 0 "a container left running"
  local cid state=$_VM_BASE/$VM_NAME netns_ino upid name=$VM_NAME veth=$VM_NAME-h shared=$VM_SHARED
  local -a pids
  cid=$(client "$engine" inspect --format '{{.Id}}' cxvm-left)
  netns_ino=$(stat -L -c %i "/run/netns/$name")
  upid=$(cat "$state/unshare.pid")
  mapfile -t pids < <(descendants "$upid"; cat "$state/bindfs.pid")
  [ ${#pids[@]} -gt 5 ] || fail "the VM has only ${#pids[@]} processes?"
  t0=$SECONDS
  vm_stop "$engine"
  pass "$engine: vm_stop in $((SECONDS - t0)) s (${#pids[@]} processes)"
  [ -z "${DOCKER_HOST:-}${CONTAINER_HOST:-}" ] || fail "vm_stop left DOCKER_HOST/CONTAINER_HOST set"
  ! ip netns list | grep -qw "$name" || fail "netns $name is left"
  ! ip link show "$veth" >/dev/null 2>&1 || fail "veth $veth is left"
  ! iptables -w 10 -S | grep -q -- "$name" || fail "filter rules are left: $(iptables -S | grep -- "$name")"
  ! iptables -w 10 -t nat -S | grep -q -- "$name" || fail "nat rules are left: $(iptables -t nat -S | grep -- "$name")"
  ! grep -qF -e "$state" -e "$shared" /proc/mounts || fail "mounts are left: $(grep -F -e "$state" -e "$shared" /proc/mounts)"
  for p in "${pids[@]}"; do
    [ ! -d "/proc/$p" ] || fail "process $p ($(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)) is left"
  done
  for p in /proc/[0-9]*; do
    [ "$(stat -L -c %i "$p/ns/net" 2>/dev/null)" != "$netns_ino" ] || fail "process ${p#/proc/} is left in the VM's netns"
  done
  [ ! -e "$state" ] || fail "$state is left"
  if compgen -G "/sys/fs/cgroup/*/$name" >/dev/null || compgen -G "/sys/fs/cgroup/*/*/*$cid*" >/dev/null; then
    fail "cgroups are left: $(compgen -G "/sys/fs/cgroup/*/$name"; compgen -G "/sys/fs/cgroup/*/*/*$cid*")"
  fi
  pass "$engine: after vm_stop: no netns, veth, iptables rule, mount, process, cgroup or state of $name"
}

skipped=()
for engine in docker podman; do
  subtest vm_checks "$engine"
  rc=$?
  case $rc in
    0) ;;
    77) skipped+=("$engine") ;;
    *) exit "$rc" ;;
  esac
done
if [ ${#skipped[@]} -gt 0 ]; then
  skip "VM engines unavailable: ${skipped[*]} (reasons above)"
fi
echo "vm_sim_test: the simulated VM works for docker and podman"
