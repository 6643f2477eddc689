# shellcheck shell=bash
# A simulated "VM whose containers live apart from the host" (Docker Desktop, podman machine, Lima,
# Colima), for tests of cx's remote transport. Source after common.sh:
#   . "$here/lib/common.sh"; . "$here/lib/vm.sh"
# Needs root. Everything it makes is named cxvm-ENGINE, so a docker VM and a podman VM can run at
# once; a second test asking for the same VM waits for the first one's to stop (a lock per VM, in
# /var/lib/cxvm, held by a process that ends with the test's shell even if it is killed).
#
# The VM (VM_NAME = cxvm-docker or cxvm-podman) is one engine in its own namespaces:
#   - network: `ip netns` cxvm-ENGINE, joined to the host by a veth pair: host side cxvm-ENGINE-h,
#     VM side eth0. docker: host 10.213.1.1/30, VM 10.213.1.2; podman: 10.213.2.1/30, 10.213.2.2.
#     No IPv6. The VM's default route is the host side; the engine's default network (docker's
#     172.17.0.0/16, podman's 10.88.0.0/16, both inside the VM) NATs out through eth0. The engine's
#     API listens on the VM's address, port 2375, without TLS (dockerd's own listener, with
#     --tls=false; `podman system service tcp:`), and answers only the host.
#   - uts (hostname = VM_NAME), ipc, pid (catatonit is its pid 1: ending it ends every process of
#     the VM, containers included), mount: the VM's root is a tmpfs holding the host's /usr
#     (read-only), a private copy of /etc (with the engine's configuration: /etc/docker/daemon.json;
#     /etc/containers/containers.conf = tests/containers.conf plus cgroupfs, file events and CNI,
#     and storage.conf), and its own empty /tmp, /run (so /var/run), /dev/shm, /root, /home; /var/tmp
#     and the engine's storage (/var/lib/docker, /var/lib/containers, /var/lib/cni) are on the VM's
#     "disk", a tmpfs of its own (RAM: an image loaded costs its size until vm_stop; deleting an
#     image's files on this machine's disk takes seconds). Nothing else of the host: not its /tmp,
#     /run (no docker.sock, no /run/podman, no XDG_RUNTIME_DIR), /var/tmp/cx-test, /home, /root,
#     /work, /mnt. On the host, /var/lib/cxvm/VM_NAME holds the VM's init script, configuration and
#     log (vm.log: the engine's output), until vm_stop.
#   - file sharing: VM_SHARED, the same path on both sides (like Docker Desktop's /Users), is
#     served to the VM through FUSE (bindfs running on the host): files and directories are shared,
#     but a unix socket the host listens on in VM_SHARED cannot be connected to from the VM
#     (ECONNREFUSED), as with Docker Desktop (docker/for-mac#483).
#   - host loopback: a TCP or UDP connection from the VM (or from a container on the engine's
#     default network) to the host side address, port P, reaches the host's 127.0.0.1:P and arrives
#     there FROM 127.0.0.1, as through Docker Desktop's or gvproxy's port forwarder (host:
#     route_localnet on the veth, nat PREROUTING DNAT to 127.0.0.1, nat INPUT SNAT to 127.0.0.1).
#     docker: dockerd runs with --host-gateway-ip=10.213.1.1, so
#     `--add-host host.docker.internal:host-gateway` names it. podman: podman 4.3 (rootful, CNI)
#     writes as host.containers.internal the gateway of the container's bridge network that sorts
#     first by name (10.88.0.1 for the default network `podman` alone; but an --internal network's
#     "gateway", which no interface has, when that network's name sorts before `podman`); inside
#     the VM, connections from the default network to 10.88.0.1 are DNATed to 10.213.2.1.
#   - nothing else of the host is reachable: the host rejects (icmp admin-prohibited) everything
#     else arriving from the VM: its other addresses and the services on them, 127.0.0.1 services
#     through any other address, forwarding to other networks, the other VM or the internet. From
#     an --internal network of the VM nothing leaves (docker drops: a connection times out;
#     podman: no route). The VM's own containers cannot reach its engine API.
#
# Functions:
#   require_vm ENGINE       skip (exit 77, with the reason) unless this machine can run the VM:
#                           root, ip netns, iptables, bindfs + /dev/fuse, unshare, nsenter,
#                           pivot_root, catatonit, and the engine (dockerd, containerd and
#                           the docker client; or podman, conmon and runc). ENGINE: docker|podman.
#   vm_start ENGINE         start the VM (stale leftovers of a killed test are removed first;
#                           calling it again while it runs only re-exports). Registers vm_stop
#                           with on_exit. Exports what a user's shell has:
#                             docker: DOCKER_HOST=tcp://10.213.1.2:2375
#                             podman: CONTAINER_HOST=tcp://10.213.2.2:2375 (podman 4.3 is then
#                                     remote by itself; `podman --remote` works too)
#                           and VM_NAME, VM_SHARED (default $TEST_TMP/vmshare; set it before the
#                           call to share another directory), VM_ADDR (the VM's address) and
#                           VM_HOST_ADDR (the host side address, where the host's 127.0.0.1 is).
#                           Takes 1 to 3 s (both engines, measured with another build running).
#   vm_engine ENGINE ARGS...  run the engine's client on the host against the VM
#                           (DOCKER_HOST=... docker ARGS / CONTAINER_HOST=... podman --remote ARGS).
#   vm_exec ENGINE CMD...   run CMD inside the VM (all its namespaces, its root), as root, with a
#                           clean environment.
#   vm_load_image ENGINE IMAGE  copy IMAGE from the host's engine of that kind into the VM's
#                           (docker save | docker load, podman save | podman --remote load).
#   vm_stop ENGINE          remove the VM's containers, stop its engine, end its processes, and
#                           remove its netns, veth, iptables rules, FUSE mount, cgroups and disk;
#                           a few seconds. Unsets the exports that named this VM. Safe to repeat.

_VM_BASE=/var/lib/cxvm
_VM_API_PORT=2375
_VM_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# _vm_params ENGINE: set the VM's names and addresses (_vm_name, _vm_veth, _vm_host_addr,
# _vm_addr, _vm_state); fail on an unknown engine.
_vm_params() {
  local n
  case "${1:-}" in
    docker) n=1 ;;
    podman) n=2 ;;
    *) fail "vm: unknown engine [${1:-}] (docker or podman)" ;;
  esac
  _vm_name=cxvm-$1
  _vm_veth=cxvm-$1-h
  _vm_host_addr=10.213.$n.1
  _vm_addr=10.213.$n.2
  _vm_state=$_VM_BASE/$_vm_name
}

# _vm_docker_client: the docker client to use (the one the tests use, else Debian's).
_vm_docker_client() {
  if [ -n "${CX_TEST_DOCKER:-}" ]; then echo "$CX_TEST_DOCKER"; else command -v docker; fi
}

require_vm() {
  local engine=${1:-} c
  case "$engine" in docker | podman) ;; *) fail "require_vm: engine docker or podman" ;; esac
  [ "$(id -u)" = 0 ] || skip "vm: the simulated VM needs root"
  for c in ip iptables nsenter unshare pivot_root bindfs fusermount3 catatonit mountpoint flock; do
    command -v "$c" >/dev/null 2>&1 || skip "vm: $c is not installed (scripts/bootstrap installs it)"
  done
  [ -c /dev/fuse ] || skip "vm: /dev/fuse is missing (no FUSE in this kernel?)"
  ip netns list >/dev/null 2>&1 || skip "vm: ip netns does not work here"
  iptables -w 10 -t nat -S >/dev/null 2>&1 || skip "vm: iptables cannot read the nat table"
  if [ "$engine" = docker ]; then
    for c in dockerd containerd containerd-shim-runc-v2 runc; do
      command -v "$c" >/dev/null 2>&1 || skip "vm: $c is not installed (docker.io)"
    done
    [ -n "$(_vm_docker_client)" ] || skip "vm: no docker client"
  else
    for c in podman conmon runc; do
      command -v "$c" >/dev/null 2>&1 || skip "vm: $c is not installed (podman)"
    done
  fi
}

# _vm_alive ENGINE: true while the VM's pid 1 runs.
_vm_alive() {
  _vm_params "$1"
  local pid
  pid=$(cat "$_vm_state/init.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(readlink "/proc/$pid/ns/net")" = "$(_vm_netns_id)" ]
}

# _vm_netns_id: the inode name of the VM's netns (to tell its processes from a recycled pid).
_vm_netns_id() {
  [ -e "/run/netns/$_vm_name" ] || return 0
  echo "net:[$(stat -L -c %i "/run/netns/$_vm_name")]"
}

# _vm_ipt_rules: delete every iptables rule of the host tagged with this VM's comment.
_vm_ipt_rules_delete() {
  local table line
  local -a words
  for table in nat filter; do
    while IFS= read -r line; do
      read -ra words <<<"$line"
      [ "${words[0]}" = -A ] || continue
      words[0]=-D
      iptables -w 10 -t "$table" "${words[@]}" 2>/dev/null || true
    done < <(iptables -w 10 -t "$table" -S 2>/dev/null | grep -- "--comment $_vm_name\( \|$\)")
  done
}

# _vm_ipt_add TABLE CHAIN RULE...: insert a host rule at the top of CHAIN, tagged with the VM.
_vm_ipt_add() {
  local table=$1 chain=$2
  shift 2
  iptables -w 10 -t "$table" -I "$chain" 1 -m comment --comment "$_vm_name" "$@" ||
    fail "vm: iptables -t $table -I $chain $* failed"
}

# _vm_teardown ENGINE: remove whatever this VM left (also after a test that was killed).
_vm_teardown() {
  _vm_params "$1"
  local pid i d bindfs_pid
  pid=$(cat "$_vm_state/unshare.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = unshare ]; then
    # unshare runs with --kill-child: ending it sends SIGKILL to the VM's pid 1, and the kernel
    # then ends every process of the VM's pid namespace.
    kill -KILL "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
  # Any process still in the VM's netns (there should be none).
  if [ -e "/run/netns/$_vm_name" ]; then
    for pid in $(ip netns pids "$_vm_name" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
  fi
  if mountpoint -q "$_vm_state/fuse" 2>/dev/null; then
    fusermount3 -u -z "$_vm_state/fuse" 2>/dev/null || umount -l "$_vm_state/fuse" 2>/dev/null
  fi
  bindfs_pid=$(cat "$_vm_state/bindfs.pid" 2>/dev/null || true)
  if [ -n "$bindfs_pid" ] && [ "$(cat "/proc/$bindfs_pid/comm" 2>/dev/null)" = bindfs ]; then
    for ((i = 0; i < 20; i++)); do [ -d "/proc/$bindfs_pid" ] || break; sleep 0.1; done
    kill -KILL "$bindfs_pid" 2>/dev/null
  fi
  [ -e "/run/netns/$_vm_name" ] && ip netns del "$_vm_name" 2>/dev/null
  ip link show "$_vm_veth" >/dev/null 2>&1 && ip link del "$_vm_veth" 2>/dev/null
  _vm_ipt_rules_delete
  # cgroups of the VM's docker containers (dockerd runs with --cgroup-parent=/cxvm-docker); those of
  # podman's are removed by podman when vm_stop removes the containers (or by vm_stop, by id).
  for d in /sys/fs/cgroup/*/"$_vm_name" /sys/fs/cgroup/"$_vm_name"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  rm -rf "$_vm_state"
  true
}

# _vm_merge_conf SRC ADD: print containers.conf SRC with the lines of ADD ("table|key = value",
# one a line) added under their tables, keeping SRC's own value of a key it already sets.
_vm_merge_conf() {
  awk -v add="$2" '
    BEGIN { n = split(add, a, "\n")
            for (i = 1; i <= n; i++) { p = index(a[i], "|"); sec[i] = substr(a[i], 1, p - 1)
              val[i] = substr(a[i], p + 1); key[i] = val[i]; sub(/[ =].*/, "", key[i]) } }
    function flush(s,   i) { for (i = 1; i <= n; i++)
                               if (sec[i] == s && !done[i]) { if (!((s, key[i]) in has)) print val[i]; done[i] = 1 } }
    /^[ \t]*\[[^]]+\][ \t]*$/ { flush(cur); cur = $0; gsub(/[][ \t]/, "", cur); print; next }
    { k = $0; sub(/^[ \t]*/, "", k); sub(/[ \t=].*/, "", k); if (k != "" && k !~ /^#/) has[cur, k] = 1; print }
    END { flush(cur)
          for (i = 1; i <= n; i++) if (!done[i]) { print ""; print "[" sec[i] "]"; flush(sec[i]) } }
  ' "$1"
}

# _vm_write_files ENGINE: the VM's init script and configuration, in $_vm_state.
_vm_write_files() {
  local engine=$1 src=${CONTAINERS_CONF:-}
  mkdir -p "$_vm_state/conf" "$_vm_state/fuse" "$_vm_state/root" "$_vm_state/disk"
  echo "$_vm_name" >"$_vm_state/conf/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    "$_vm_name" >"$_vm_state/conf/hosts"
  if [ "$engine" = docker ]; then
    echo '{}' >"$_vm_state/conf/daemon.json"
  else
    # The tests' podman settings (runc, ulimits) plus what a VM without systemd needs.
    [ -n "$src" ] && [ -r "$src" ] || src=$CX_SOURCE_DIR/tests/containers.conf
    [ -r "$src" ] || fail "vm: no containers.conf to start from ($src)"
    _vm_merge_conf "$src" 'engine|cgroup_manager = "cgroupfs"
engine|events_logger = "file"
network|network_backend = "cni"
network|network_config_dir = "/etc/cni/net.d"' >"$_vm_state/conf/containers.conf"
    printf '[storage]\ndriver = "overlay"\ngraphroot = "/var/lib/containers/storage"\nrunroot = "/run/containers/storage"\n' \
      >"$_vm_state/conf/storage.conf"
  fi
  # The VM's pid 1 is catatonit; this script is its only child and the VM lives as long as it does.
  # It runs in the VM's netns and its fresh mount, uts, ipc and pid namespaces.
  cat >"$_vm_state/init.sh" <<'EOF'
set -euo pipefail
say() { echo "cxvm-init[$CXVM_NAME]: $*"; }
R=$CXVM_STATE/root
hostname "$CXVM_NAME"

# The VM's root: a tmpfs with the OS (/usr read-only, a private copy of /etc) and nothing else.
mount -t tmpfs -o mode=0755 cxvm-root "$R"
for e in /*; do
  if [ -L "$e" ]; then ln -s "$(readlink "$e")" "$R/${e#/}"; fi
done
mkdir -p "$R"/usr "$R"/proc "$R"/sys "$R"/dev "$R"/tmp "$R"/run "$R"/var "$R"/root "$R"/home "$R"/mnt
mount --bind /usr "$R/usr"
mount -o remount,bind,ro "$R/usr"
cp -a /etc "$R/etc"
cp "$CXVM_STATE/conf/hostname" "$CXVM_STATE/conf/hosts" "$R/etc/"
rm -f "$R/etc/docker/key.json" # the engine's identity is the VM's, not the host's
if [ "$CXVM_ENGINE" = docker ]; then
  mkdir -p "$R/etc/docker"
  cp "$CXVM_STATE/conf/daemon.json" "$R/etc/docker/daemon.json"
else
  mkdir -p "$R/etc/containers"
  cp "$CXVM_STATE/conf/containers.conf" "$CXVM_STATE/conf/storage.conf" "$R/etc/containers/"
fi

mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys" # this one shows the VM's network devices
mount --rbind /sys/fs/cgroup "$R/sys/fs/cgroup"
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=1777 cxvm-shm "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$R/dev/pts"
mount --bind "$R/dev/pts/ptmx" "$R/dev/ptmx"
[ -d "$R/dev/mqueue" ] && mount -t mqueue mqueue "$R/dev/mqueue"
mount -t tmpfs -o mode=1777 cxvm-tmp "$R/tmp"
mount -t tmpfs -o mode=0755 cxvm-run "$R/run"
mkdir -p "$R/run/lock" "$R/run/cxvm"
mount -t tmpfs -o mode=0700 cxvm-roothome "$R/root"
mount -t tmpfs -o mode=0755 cxvm-home "$R/home"
mount -t tmpfs -o mode=0755 cxvm-var "$R/var"
mkdir -p "$R"/var/lib "$R"/var/cache "$R"/var/log "$R"/var/tmp "$R"/var/spool
ln -s /run "$R/var/run"
ln -s /run/lock "$R/var/lock"
# The VM's disk: a tmpfs of its own mount namespace, gone with the VM (this machine's disk takes
# seconds to delete an image's thousands of files).
D=$CXVM_STATE/disk
mount -t tmpfs -o mode=0700 cxvm-disk "$D"
mkdir -p "$D/tmp" && chmod 1777 "$D/tmp"
for d in docker containers cni; do
  mkdir -p "$D/$d" "$R/var/lib/$d"
  mount --bind "$D/$d" "$R/var/lib/$d"
done
mount --bind "$D/tmp" "$R/var/tmp"
# The one directory of the host's, through FUSE (bindfs on the host serves $CXVM_STATE/fuse).
mkdir -p "$R$CXVM_SHARED"
mount --bind "$CXVM_STATE/fuse" "$R$CXVM_SHARED"

cd "$R"
mkdir .oldroot
pivot_root . .oldroot
cd /
umount -l /.oldroot
rmdir /.oldroot

# The engine's API answers the host only (not the VM's own containers).
iptables -w 10 -A INPUT -i lo -j ACCEPT
iptables -w 10 -A INPUT -i eth0 -s "$CXVM_HOST_ADDR" -p tcp --dport "$CXVM_PORT" -j ACCEPT
iptables -w 10 -A INPUT -p tcp --dport "$CXVM_PORT" -j REJECT --reject-with tcp-reset

export PATH=$CXVM_PATH HOME=/root
if [ "$CXVM_ENGINE" = docker ]; then
  # The API on the VM's address, without TLS: --tls=false says so explicitly, which spares the 15 s
  # that dockerd 20.10.24 otherwise sleeps at startup to show its warning.
  dockerd --data-root /var/lib/docker --exec-root /run/docker --pidfile /run/docker.pid \
    -H unix:///run/docker.sock -H "tcp://$CXVM_ADDR:$CXVM_PORT" --tls=false --host-gateway-ip "$CXVM_HOST_ADDR" \
    --cgroup-parent "/$CXVM_NAME" --shutdown-timeout 2 --config-file /etc/docker/daemon.json &
  echo $! >/run/cxvm/engine.pid
else
  export CONTAINERS_CONF=/etc/containers/containers.conf
  export CONTAINERS_STORAGE_CONF=/etc/containers/storage.conf
  # podman 4.3 names the container's bridge gateway host.containers.internal: forward connections
  # from the default network to its gateway to the host side address (which is the host's loopback).
  net=$(podman network inspect podman --format '{{.NetworkInterface}} {{range .Subnets}}{{.Gateway}} {{end}}')
  read -r bridge gw _ <<<"$net"
  say "default network: bridge $bridge, gateway $gw"
  for proto in tcp udp; do
    iptables -w 10 -t nat -A PREROUTING -i "$bridge" -d "$gw" -p "$proto" \
      -j DNAT --to-destination "$CXVM_HOST_ADDR"
  done
  podman system service --time=0 "tcp:$CXVM_ADDR:$CXVM_PORT" &
  echo $! >/run/cxvm/engine.pid
fi
say "up"
wait -n
say "a service of the VM ended; the VM stops"
EOF
}

vm_start() {
  local engine=${1:-} t0=$SECONDS i up=0 upid init lockvar=_vm_lock_${1:-}
  require_vm "$engine"
  _vm_params "$engine"
  if [ -n "${!lockvar:-}" ] && _vm_alive "$engine"; then
    _vm_export "$engine"
    return 0
  fi
  mkdir -p "$_VM_BASE" && chmod 0700 "$_VM_BASE"
  # One test at a time per VM: wait for another test's to go. The lock is held by a process of its
  # own (not by a descriptor of this shell, which every child would inherit), that lives until
  # vm_stop ends it or this shell is gone (even killed: then the leftovers are removed below).
  local word='' holder='' me=$BASHPID
  # shellcheck disable=SC2016 # expanded by sh, whose pid becomes tail's
  read -r -t 600 word holder < <(flock -w 600 "$_VM_BASE/$_vm_name.lock" \
    sh -c 'echo locked $$; exec tail --pid="$1" -f /dev/null >/dev/null' sh "$me" </dev/null 2>/dev/null)
  [ "$word" = locked ] || fail "vm: $_vm_name is in use by another test (lock $_VM_BASE/$_vm_name.lock)"
  printf -v "$lockvar" '%s' "$holder"
  on_exit "vm_stop $engine"
  _vm_teardown "$engine"
  _vm_params "$engine"

  # No other route may cover the VM's /30 (a network of the host's engines, a VPN...).
  local route
  route=$(ip -4 route show to match "$_vm_addr" | grep -v '^default' | head -n 1)
  [ -z "$route" ] || skip "vm: $_vm_addr is already routed on this host: $route"
  if [ -z "${VM_SHARED:-}" ]; then
    VM_SHARED=$TEST_TMP/vmshare
    mkdir -p "$VM_SHARED" && chmod 0755 "$VM_SHARED"
  fi
  [ -d "$VM_SHARED" ] || fail "vm: VM_SHARED=$VM_SHARED is not a directory"
  VM_SHARED=$(cd "$VM_SHARED" && pwd -P)
  mkdir -p "$_vm_state" && chmod 0700 "$_vm_state"
  _vm_write_files "$engine"

  # Network: the netns, the veth pair, the host's forwarding of its loopback.
  ip netns add "$_vm_name" || fail "vm: ip netns add $_vm_name failed"
  ip link add "$_vm_veth" type veth peer name eth0 netns "$_vm_name" || fail "vm: cannot create the veth pair"
  sysctl -qw "net.ipv6.conf.$_vm_veth.disable_ipv6=1"
  sysctl -qw "net.ipv4.conf.$_vm_veth.route_localnet=1" || fail "vm: cannot set route_localnet"
  if ! ip addr add "$_vm_host_addr/30" dev "$_vm_veth" || ! ip link set "$_vm_veth" up; then
    fail "vm: cannot configure $_vm_veth"
  fi
  nsenter --net="/run/netns/$_vm_name" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  if ! ip -n "$_vm_name" link set lo up || ! ip -n "$_vm_name" addr add "$_vm_addr/30" dev eth0 ||
    ! ip -n "$_vm_name" link set eth0 up || ! ip -n "$_vm_name" route add default via "$_vm_host_addr"; then
    fail "vm: cannot configure the VM's eth0"
  fi
  # Rules are inserted at the top, so the last one added comes first.
  _vm_ipt_add filter FORWARD -o "$_vm_veth" -j REJECT --reject-with icmp-admin-prohibited
  _vm_ipt_add filter FORWARD -i "$_vm_veth" -j REJECT --reject-with icmp-admin-prohibited
  _vm_ipt_add filter INPUT -i "$_vm_veth" -j REJECT --reject-with icmp-admin-prohibited
  _vm_ipt_add filter INPUT -i "$_vm_veth" -d 127.0.0.1 -m conntrack --ctstate DNAT -j ACCEPT
  _vm_ipt_add filter INPUT -i "$_vm_veth" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  for proto in tcp udp; do
    _vm_ipt_add nat PREROUTING -i "$_vm_veth" -d "$_vm_host_addr" -p "$proto" -j DNAT --to-destination 127.0.0.1
  done
  _vm_ipt_add nat INPUT -i "$_vm_veth" -m conntrack --ctstate DNAT --ctorigdst "$_vm_host_addr" -j SNAT --to-source 127.0.0.1

  # File sharing: bindfs on the host, its mount bound into the VM at VM_SHARED.
  bindfs -f -o allow_other "$VM_SHARED" "$_vm_state/fuse" </dev/null >>"$_vm_state/bindfs.log" 2>&1 &
  echo $! >"$_vm_state/bindfs.pid"
  for ((i = 0; i < 50; i++)); do mountpoint -q "$_vm_state/fuse" && break; sleep 0.1; done
  mountpoint -q "$_vm_state/fuse" || fail "vm: bindfs did not mount: $(tail -n 3 "$_vm_state/bindfs.log")"

  # The VM itself (from /, so that its pid 1 moves into the VM's root with pivot_root).
  cd / || fail "vm: cannot cd /"
  env -i PATH="$_VM_PATH" CXVM_NAME="$_vm_name" CXVM_ENGINE="$engine" CXVM_STATE="$_vm_state" \
    CXVM_SHARED="$VM_SHARED" CXVM_HOST_ADDR="$_vm_host_addr" CXVM_ADDR="$_vm_addr" \
    CXVM_PORT="$_VM_API_PORT" CXVM_PATH="$_VM_PATH" \
    nsenter --net="/run/netns/$_vm_name" -- \
    unshare --mount --uts --ipc --pid --fork --kill-child=SIGKILL --propagation private -- \
    catatonit -- bash "$_vm_state/init.sh" </dev/null >>"$_vm_state/vm.log" 2>&1 &
  upid=$!
  cd - >/dev/null || fail "vm: cannot cd back"
  echo "$upid" >"$_vm_state/unshare.pid"
  for ((i = 0; i < 50; i++)); do
    init=$(pgrep -P "$upid" | head -n 1)
    [ -n "$init" ] && break
    sleep 0.1
  done
  [ -n "$init" ] || fail "vm: the VM did not start: $(tail -n 5 "$_vm_state/vm.log")"
  echo "$init" >"$_vm_state/init.pid"

  for ((i = 0; i < 600; i++)); do
    [ -d "/proc/$upid" ] || break
    if vm_engine "$engine" version >/dev/null 2>&1; then
      up=1
      break
    fi
    sleep 0.1
  done
  [ "$up" = 1 ] || fail "vm: the $engine engine of $_vm_name did not answer within 60 s; its log:
$(tail -n 20 "$_vm_state/vm.log")"
  _vm_export "$engine"
  echo "vm: $_vm_name up in $((SECONDS - t0)) s ($engine at $_vm_addr:$_VM_API_PORT, host loopback at $_vm_host_addr, shared $VM_SHARED)"
}

# _vm_export ENGINE: export what a shell talking to the VM has.
_vm_export() {
  _vm_params "$1"
  if [ "$1" = docker ]; then
    export DOCKER_HOST=tcp://$_vm_addr:$_VM_API_PORT
  else
    export CONTAINER_HOST=tcp://$_vm_addr:$_VM_API_PORT
  fi
  export VM_NAME=$_vm_name VM_SHARED VM_ADDR=$_vm_addr VM_HOST_ADDR=$_vm_host_addr
}

vm_engine() {
  local engine=$1
  shift
  _vm_params "$engine"
  if [ "$engine" = docker ]; then
    DOCKER_HOST=tcp://$_vm_addr:$_VM_API_PORT "$(_vm_docker_client)" "$@"
  else
    CONTAINER_HOST=tcp://$_vm_addr:$_VM_API_PORT podman --remote "$@"
  fi
}

vm_exec() {
  local engine=$1 init
  shift
  _vm_params "$engine"
  init=$(cat "$_vm_state/init.pid" 2>/dev/null) || fail "vm: $_vm_name is not running"
  local -a vars=(PATH="$_VM_PATH" HOME=/root LANG=C.UTF-8)
  [ "$engine" = podman ] && vars+=(CONTAINERS_CONF=/etc/containers/containers.conf
    CONTAINERS_STORAGE_CONF=/etc/containers/storage.conf)
  nsenter --target "$init" --mount --uts --ipc --net --pid --root --wd -- env -i "${vars[@]}" "$@"
}

vm_load_image() {
  local engine=$1 image=$2 docker
  _vm_params "$engine"
  if [ "$engine" = docker ]; then
    docker=$(_vm_docker_client)
    # The host's own engine: whatever DOCKER_HOST the test had before vm_start is gone, so the
    # default socket (as CX_TEST_DOCKER uses it).
    env -u DOCKER_HOST "$docker" save "$image" | vm_engine docker load -q ||
      fail "vm: cannot copy $image from the host's docker into $_vm_name"
  else
    env -u CONTAINER_HOST -u CONTAINER_CONNECTION podman save -q "$image" |
      vm_engine podman load -q || fail "vm: cannot copy $image from the host's podman into $_vm_name"
  fi
}

vm_stop() {
  local engine=$1 lockvar=_vm_lock_$1 pid i id d
  local -a ids=()
  _vm_params "$engine"
  if _vm_alive "$engine"; then
    # Containers first (so that the engine removes their cgroups and mounts), then the engine; then
    # whatever is left ends with the VM's pid 1.
    if [ "$engine" = docker ]; then
      # shellcheck disable=SC2016 # expanded by the VM's sh
      vm_exec docker timeout 10 sh -c \
        'ids=$(docker -H unix:///run/docker.sock ps -aq); [ -z "$ids" ] || docker -H unix:///run/docker.sock rm -f $ids' \
        >/dev/null 2>&1
    else
      mapfile -t ids < <(vm_exec podman timeout 10 podman ps -aq --no-trunc 2>/dev/null)
      vm_exec podman timeout 10 podman pod rm -af -t 0 >/dev/null 2>&1
      vm_exec podman timeout 10 podman rm -af -t 0 >/dev/null 2>&1
    fi
    # shellcheck disable=SC2016 # expanded by the VM's sh
    vm_exec "$engine" sh -c 'kill -TERM "$(cat /run/cxvm/engine.pid)"' 2>/dev/null
    pid=$(cat "$_vm_state/unshare.pid" 2>/dev/null)
    for ((i = 0; i < 50; i++)); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
  _vm_teardown "$engine"
  # The cgroups of podman's containers (under /libpod_parent, as the host's podman's: only those of
  # the VM's containers, and only empty ones, go).
  for id in "${ids[@]}"; do
    for d in /sys/fs/cgroup/*/libpod_parent/libpod-"$id" /sys/fs/cgroup/*/libpod_parent/libpod-conmon-"$id"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
  done
  _vm_params "$engine"
  if [ "$engine" = docker ] && [ "${DOCKER_HOST:-}" = "tcp://$_vm_addr:$_VM_API_PORT" ]; then unset DOCKER_HOST; fi
  if [ "$engine" = podman ] && [ "${CONTAINER_HOST:-}" = "tcp://$_vm_addr:$_VM_API_PORT" ]; then unset CONTAINER_HOST; fi
  if [ "${VM_NAME:-}" = "$_vm_name" ]; then unset VM_NAME VM_ADDR VM_HOST_ADDR; fi
  if [ -n "${!lockvar:-}" ]; then
    # The lock holder's tail: with it ends its flock, which releases the lock.
    [ "$(cat "/proc/${!lockvar}/comm" 2>/dev/null)" = tail ] && kill "${!lockvar}" 2>/dev/null
    unset "$lockvar"
  fi
  true
}
