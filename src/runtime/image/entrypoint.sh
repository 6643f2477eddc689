#!/bin/sh
# Entrypoint of the cx image. It runs as the host user's uid/gid (given by
# `--user` or podman's keep-id), with no capabilities, so it can only arrange
# things in the environment and then hand over to the command (claude, bash).
set -eu

# --- the gate (remote transport) ---
# `cx-gate HOST PROXY_PORT CREDENTIALS_PORT`: this container is the session's
# gate, on the session's internal network (where the agent's container is)
# and on the engine's default network. It relays the two ports the agent's
# relays use, and nothing else, to cx's broker on the host, which
# authenticates every request (the proxy secret, the credential token). It
# runs read-only as an unknown user with no capabilities, so it does no
# user setup; if a relay ends, the gate ends and the session's egress stops.
if [ "${1:-}" = cx-gate ]; then
  if [ "$#" -ne 4 ]; then
    echo "cx-entrypoint: usage: cx-gate HOST PROXY_PORT CREDENTIALS_PORT" >&2
    exit 125
  fi
  if [ "$4" != 0 ]; then
    socat "TCP-LISTEN:9911,reuseaddr,fork,backlog=128" "TCP:$2:$4,connect-timeout=10" 2>/dev/null &
  fi
  exec socat "TCP-LISTEN:3128,reuseaddr,fork,backlog=128" "TCP:$2:$3,connect-timeout=10"
fi

# An uid or gid the image does not know has no passwd/group entry, which
# breaks tools that look the user up (git, ssh, bash's prompt, `id -un`).
# /etc is not writable, so the entry is provided through nss_wrapper.
ensure_user() {
  uid=$(id -u)
  gid=$(id -g)
  if getent passwd "$uid" >/dev/null 2>&1 && getent group "$gid" >/dev/null 2>&1; then
    return 0
  fi
  for lib in /usr/lib/*-linux-gnu/libnss_wrapper.so /usr/lib/libnss_wrapper.so; do
    [ -r "$lib" ] || continue
    dir=$(mktemp -d /tmp/cx-nss.XXXXXX)
    cp /etc/passwd "$dir/passwd"
    cp /etc/group "$dir/group"
    if ! getent passwd "$uid" >/dev/null 2>&1; then
      printf 'claude:x:%s:%s:claude:%s:/bin/bash\n' "$uid" "$gid" "${HOME:-/home/claude}" >>"$dir/passwd"
    fi
    if ! getent group "$gid" >/dev/null 2>&1; then
      printf 'claude:x:%s:\n' "$gid" >>"$dir/group"
    fi
    export LD_PRELOAD="${LD_PRELOAD:+$LD_PRELOAD:}$lib"
    export NSS_WRAPPER_PASSWD="$dir/passwd"
    export NSS_WRAPPER_GROUP="$dir/group"
    return 0
  done
  echo "cx-entrypoint: no passwd entry for uid $uid and no nss_wrapper; continuing" >&2
}

ensure_user
export HOME="${HOME:-/home/claude}"
mkdir -p "$HOME" 2>/dev/null || true

# --- session services ---
# Local transport: cx's broker mounts its private socket directory read-only
# at /run/cx (the paths and ports here match src/runtime/container_contract.h):
#   proxy.sock    egress proxy    <- relayed from 127.0.0.1:3128 (HTTPS_PROXY)
#   creds.sock    credentials     <- relayed from 127.0.0.1:9911 (AWS_CONTAINER_CREDENTIALS_FULL_URI)
#   lifeline.sock held open by cx; when it closes (cx died, even by SIGKILL)
#                 the command is stopped, and with it the container.
# The container has no network but loopback, so these relays are its only
# way out, and they lead only to cx.
# Remote transport: cx copied `token` and `proxy-secret` into /run/cx before
# the container started; the container is only on the session's internal
# network, and the same loopback ports are relayed to the gate (cx-gate in
# /etc/hosts). The proxy variables get the secret as their password here,
# at run time, so that it is in no `inspect` output.
broker=/run/cx

# The relays: cx-relay returns once it listens (and serves in the
# background), so nothing needs to wait for them; set -e ends the start
# (125) if one cannot listen.
relay() {  # relay PORT SOCKET
  cx-relay "$1" "unix:$2"
}

gate_relay() {  # gate_relay PORT
  cx-relay "$1" "tcp:cx-gate:$1"
}

if [ -S "$broker/proxy.sock" ]; then relay 3128 "$broker/proxy.sock"; fi
if [ -S "$broker/creds.sock" ]; then relay 9911 "$broker/creds.sock"; fi
if [ -r "$broker/proxy-secret" ]; then
  gate_relay 3128
  gate_relay 9911
  secret=""
  IFS= read -r secret <"$broker/proxy-secret" || true  # no newline at its end
  for var in HTTPS_PROXY HTTP_PROXY https_proxy http_proxy; do
    eval "value=\${$var:-}"
    # shellcheck disable=SC2154
    case "$value" in
      http://127.0.0.1:3128*) export "$var=http://cx:$secret@${value#http://}" ;;
    esac
  done
  unset secret value var
fi

if [ -S "$broker/lifeline.sock" ]; then
  main=$$
  (
    # Returns when cx closes its end: the session is over for the host.
    # However socat ends (EOF, reset), the command is stopped: `|| true`
    # keeps `set -e` from skipping that.
    socat -u "UNIX-CONNECT:$broker/lifeline.sock" - >/dev/null 2>&1 || true
    kill -TERM "$main" 2>/dev/null || true
    sleep 2
    kill -KILL "$main" 2>/dev/null || true
  ) &
fi

exec "$@"
