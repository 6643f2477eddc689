#!/bin/sh
# Entrypoint of the cx image. It runs as the host user's uid/gid (given by
# `--user` or podman's keep-id), with no capabilities, so it can only arrange
# things in the environment and then hand over to the command (claude, bash).
set -eu

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
# The in-container relays (loopback HTTP(S) proxy -> the host's egress proxy
# socket) and the lifeline (stop the container when the host cx process dies)
# start here, before the exec. Not implemented yet.

exec "$@"
