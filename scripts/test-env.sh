#!/usr/bin/env bash
# Sets up the real environment the integration tests run in (podman, docker,
# base images, an unprivileged user, moto) and exports what the tests need.
#
#   . scripts/test-env.sh        # from scripts/test: exports into the caller
#   scripts/test-env.sh          # alone: sets up, prints `export` lines on stdout
#
# Every step is idempotent and prints one line. A step that cannot be done does
# not stop the others: it exports CX_SKIP_<PART>="reason", and the tests that
# need that part skip (exit 77) printing the reason. The exports are also saved
# to $CX_TEST_STATE/env.sh, which tests load when run by a bare `ctest`.
#
# Exports: CX_TEST_ENV=1, CX_TEST_STATE, CONTAINERS_CONF, CX_TEST_DOCKER,
# CX_TEST_IMAGE_PODMAN, CX_TEST_IMAGE_DOCKER, CX_TEST_USER, CX_TEST_CA,
# CX_TEST_PYTHON, and on failures CX_SKIP_PODMAN, CX_SKIP_ROOTLESS_PODMAN,
# CX_SKIP_DOCKER, CX_SKIP_USER, CX_SKIP_MOTO.

_cxenv_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_cxenv_sourced=0
[ "${BASH_SOURCE[0]}" != "$0" ] && _cxenv_sourced=1

_cxenv_vars=(CX_TEST_ENV CX_TEST_STATE CONTAINERS_CONF CX_TEST_DOCKER CX_TEST_IMAGE_PODMAN
  CX_TEST_IMAGE_DOCKER CX_TEST_USER CX_TEST_CA CX_TEST_PYTHON CX_SKIP_PODMAN
  CX_SKIP_ROOTLESS_PODMAN CX_SKIP_DOCKER CX_SKIP_USER CX_SKIP_MOTO CX_TEST_DOCKER_ROOTLESS_HOST
  CX_SKIP_ROOTLESS_DOCKER)

_cxenv_say() {
  if [ "$_cxenv_sourced" = 1 ]; then echo "test-env: $*"; else echo "test-env: $*" >&2; fi
}

# _cxenv_skip VAR REASON: record why a part is unavailable (first reason wins).
_cxenv_skip() {
  if [ -z "${!1:-}" ]; then
    printf -v "$1" '%s' "$2"
    export "${1?}"
  fi
  _cxenv_say "$2 -> $1 set, tests needing it will skip"
}

# _cxenv_last_line FILE: the last error line of a log (else its last non-empty
# line), for a skip reason.
_cxenv_last_line() {
  local line
  line=$(grep -iE 'error|fail|cannot|denied' "$1" 2>/dev/null | tail -n 1)
  [ -n "$line" ] || line=$(grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1)
  echo "${line:-no output in $1}" | cut -c1-300
}

_cxenv_init() {
  local v
  for v in "${_cxenv_vars[@]}"; do unset "$v"; done
  export CX_TEST_ENV=1
  export CX_TEST_STATE=${CX_TEST_STATE_DIR:-/var/tmp/cx-test}
  export CX_TEST_IMAGE_PODMAN=docker.io/library/debian:bookworm-slim
  export CX_TEST_IMAGE_DOCKER=debian:bookworm-slim
  mkdir -p "$CX_TEST_STATE" && chmod 0755 "$CX_TEST_STATE"
  _cxenv_is_root=0
  _cxenv_tar=
  _cxenv_tar_error=
  [ "$(id -u)" = 0 ] && _cxenv_is_root=1
}

_cxenv_podman() {
  export CONTAINERS_CONF="$_cxenv_root/tests/containers.conf"
  if ! command -v podman >/dev/null 2>&1; then
    _cxenv_skip CX_SKIP_PODMAN "podman is not installed (scripts/bootstrap could not install it)"
  elif [ ! -r "$CONTAINERS_CONF" ]; then
    _cxenv_skip CX_SKIP_PODMAN "$CONTAINERS_CONF is missing"
  else
    _cxenv_say "podman: $(podman --version 2>/dev/null), CONTAINERS_CONF=$CONTAINERS_CONF"
  fi
}

# _cxenv_docker_client: print the first docker client that talks to the daemon.
# Debian's client comes first: it matches Debian's dockerd, while the one in
# /usr/local/bin on these machines may be a different (newer) release.
_cxenv_docker_client() {
  local c seen=" "
  for c in /usr/bin/docker "$(command -v docker 2>/dev/null)" /usr/local/bin/docker; do
    if [ -z "$c" ] || [ ! -x "$c" ]; then continue; fi
    case "$seen" in *" $c "*) continue ;; esac
    seen+="$c "
    if timeout 10 "$c" info >/dev/null 2>"$CX_TEST_STATE/docker-info.err"; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

_cxenv_docker() {
  local client log="$CX_TEST_STATE/dockerd.log" i t0=$SECONDS
  if client=$(_cxenv_docker_client); then
    export CX_TEST_DOCKER=$client
    _cxenv_say "docker: daemon already running, CX_TEST_DOCKER=$client"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    _cxenv_skip CX_SKIP_DOCKER "dockerd is not installed (scripts/bootstrap could not install docker.io)"
    return
  fi
  if [ "$_cxenv_is_root" != 1 ]; then
    _cxenv_skip CX_SKIP_DOCKER "docker daemon is not running and starting it needs root"
    return
  fi
  # Only start one: a dockerd from an earlier run may still be coming up.
  local running
  running=$(pgrep -x dockerd | head -n 1)
  if [ -z "$running" ]; then
    echo "=== $(date -Is) started by scripts/test-env.sh" >>"$log"
    setsid dockerd </dev/null >>"$log" 2>&1 &
  fi
  for ((i = 0; i < 60; i++)); do
    if client=$(_cxenv_docker_client); then
      export CX_TEST_DOCKER=$client
      _cxenv_say "docker: started dockerd in $((SECONDS - t0)) s (log $log), CX_TEST_DOCKER=$client"
      return
    fi
    sleep 0.5
  done
  if [ -n "$running" ]; then
    _cxenv_skip CX_SKIP_DOCKER "dockerd (pid $running) is running but docker info fails: $(_cxenv_last_line "$CX_TEST_STATE/docker-info.err")"
  else
    _cxenv_skip CX_SKIP_DOCKER "dockerd did not start within 30 s: $(_cxenv_last_line "$log")"
  fi
}

# The stand-in for the official debian:bookworm-slim (no registry here): a
# minbase bootstrap trimmed the way the official slim image is. Merged /usr by
# symlinks (the usrmerge package would drag in perl), no ca-certificates (the
# official image has none), and dpkg rules, kept in the image, that skip
# documentation (copyright files stay), manuals, info, groff, lintian, linda
# and translations for this and every later package. apt keeps its indexes
# compressed, downloads no translations and keeps no binary caches; the hook
# removes the lists, caches, logs and debconf backups the bootstrap leaves.
# shellcheck disable=SC2016 # "$1" in the hook is mmdebstrap's, for the root it made
_cxenv_base_args=(
  --variant=minbase
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/groff/*'
  --dpkgopt='path-exclude=/usr/share/lintian/*'
  --dpkgopt='path-exclude=/usr/share/linda/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --aptopt='Acquire::Languages "none"'
  --aptopt='Acquire::GzipIndexes "true"'
  --aptopt='Dir::Cache::pkgcache ""'
  --aptopt='Dir::Cache::srcpkgcache ""'
  --aptopt='APT::AutoRemove::SuggestsImportant "false"'
  --customize-hook='cd "$1" && rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/cache/debconf/*-old var/cache/ldconfig/aux-cache var/log/apt/* var/log/*.log && find usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete && find usr/share/doc -mindepth 1 -type d -empty -delete && rm -rf usr/share/man/* usr/share/info/* usr/share/groff/* usr/share/lintian/* usr/share/linda/* && find usr/share/locale -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +'
  --format=tar
  bookworm
)
# The recipe's digest names the cached tar and labels the imported image, so
# that a machine with a base made by an older recipe imports the new one.
_cxenv_base_recipe=$(printf '%s\n' "${_cxenv_base_args[@]}" | sha256sum | cut -c1-12)

# _cxenv_base_tar: make (once, cached) the root file system tar the base image
# is imported from; sets _cxenv_tar, or _cxenv_tar_error. Only called when an
# image is missing somewhere or was made by another recipe.
_cxenv_base_tar() {
  local tar="$CX_TEST_STATE/bookworm-slim-$_cxenv_base_recipe.tar"
  local part="$CX_TEST_STATE/bookworm-slim.partial.tar"
  local log="$CX_TEST_STATE/mmdebstrap.log" t0=$SECONDS
  [ -n "${_cxenv_tar_done:-}" ] && return 0
  _cxenv_tar_done=1
  _cxenv_tar=
  if [ -s "$tar" ]; then
    _cxenv_tar=$tar
    _cxenv_say "base image: reusing $tar"
    return 0
  fi
  if ! command -v mmdebstrap >/dev/null 2>&1; then
    _cxenv_tar_error="mmdebstrap is not installed"
  elif [ "$_cxenv_is_root" != 1 ]; then
    _cxenv_tar_error="making the base image needs root"
  elif rm -f "$part" && mmdebstrap "${_cxenv_base_args[@]}" "$part" >"$log" 2>&1 &&
    mv "$part" "$tar"; then
    chmod 0644 "$tar"
    # Tars of older recipes are not used again.
    find "$CX_TEST_STATE" -maxdepth 1 \( -name 'bookworm-minbase.tar' -o -name 'bookworm-slim-*.tar' \) \
      ! -name "${tar##*/}" -delete 2>/dev/null
    _cxenv_tar=$tar
    _cxenv_say "base image: mmdebstrap made $tar ($(($(stat -c %s "$tar") / 1000000)) MB) in $((SECONDS - t0)) s"
    return 0
  else
    _cxenv_tar_error="mmdebstrap failed: $(_cxenv_last_line "$log")"
  fi
  _cxenv_say "base image: $_cxenv_tar_error"
  return 0
}

# _cxenv_base_current CMD... IMAGE: whether IMAGE exists in CMD's storage and was
# imported from this recipe (its cx.test-base label).
_cxenv_base_current() {
  local image=${!#} label
  set -- "${@:1:$#-1}"
  label=$("$@" image inspect --format '{{index .Config.Labels "cx.test-base"}}' "$image" 2>/dev/null) &&
    [ "$label" = "$_cxenv_base_recipe" ]
}

_cxenv_podman_image() {
  [ -z "${CX_SKIP_PODMAN:-}" ] || return
  local out
  if _cxenv_base_current podman "$CX_TEST_IMAGE_PODMAN"; then
    _cxenv_say "podman: image $CX_TEST_IMAGE_PODMAN present"
  elif _cxenv_base_tar && [ -z "$_cxenv_tar" ]; then
    _cxenv_skip CX_SKIP_PODMAN "no base image: $_cxenv_tar_error"
  elif out=$(podman import --change "LABEL cx.test-base=$_cxenv_base_recipe" "$_cxenv_tar" \
    "$CX_TEST_IMAGE_PODMAN" 2>&1); then
    _cxenv_say "podman: imported $CX_TEST_IMAGE_PODMAN (base recipe $_cxenv_base_recipe)"
  else
    _cxenv_skip CX_SKIP_PODMAN "podman import failed: $(echo "$out" | tail -n 1)"
  fi
}

_cxenv_docker_image() {
  [ -z "${CX_SKIP_DOCKER:-}" ] || return
  local out
  if _cxenv_base_current "$CX_TEST_DOCKER" "$CX_TEST_IMAGE_DOCKER"; then
    _cxenv_say "docker: image $CX_TEST_IMAGE_DOCKER present"
  elif _cxenv_base_tar && [ -z "$_cxenv_tar" ]; then
    _cxenv_skip CX_SKIP_DOCKER "no base image: $_cxenv_tar_error"
  elif out=$("$CX_TEST_DOCKER" import --change "LABEL cx.test-base=$_cxenv_base_recipe" \
    "$_cxenv_tar" "$CX_TEST_IMAGE_DOCKER" 2>&1); then
    _cxenv_say "docker: imported $CX_TEST_IMAGE_DOCKER (base recipe $_cxenv_base_recipe)"
  else
    _cxenv_skip CX_SKIP_DOCKER "docker import failed: $(echo "$out" | tail -n 1)"
  fi
}

# _cxenv_subid_add FILE USER: give USER 65536 ids after the highest range in FILE.
_cxenv_subid_add() {
  local file=$1 user=$2 start
  grep -q "^$user:" "$file" 2>/dev/null && return 0
  start=$(awk -F: 'BEGIN{m=100000} {e=$2+$3; if (e>m) m=e} END{print m}' "$file" 2>/dev/null)
  echo "$user:${start:-100000}:65536" >>"$file"
}

_cxenv_user() {
  local user=cxtest what=()
  if ! id "$user" >/dev/null 2>&1; then
    if [ "$_cxenv_is_root" != 1 ]; then
      _cxenv_skip CX_SKIP_USER "user $user does not exist and creating it needs root"
      return
    fi
    useradd -m -s /bin/bash "$user" || {
      _cxenv_skip CX_SKIP_USER "useradd $user failed"
      return
    }
    what+=("created")
  fi
  if [ "$_cxenv_is_root" = 1 ]; then
    if getent group docker >/dev/null && ! id -nG "$user" | grep -qw docker; then
      usermod -aG docker "$user" && what+=("added to group docker")
    fi
    if ! grep -q "^$user:" /etc/subuid 2>/dev/null || ! grep -q "^$user:" /etc/subgid 2>/dev/null; then
      _cxenv_subid_add /etc/subuid "$user" && _cxenv_subid_add /etc/subgid "$user" &&
        what+=("subuid/subgid added")
    fi
  fi
  export CX_TEST_USER=$user
  local IFS=,
  _cxenv_say "user: $user (uid $(id -u "$user")${what:+; ${what[*]}}), CX_TEST_USER=$user"
}

# The user's own podman storage gets the base image from the same tar (a
# rootless import needs no network, unlike a rootless build).
_cxenv_rootless_podman() {
  if [ -n "${CX_SKIP_PODMAN:-}" ]; then
    _cxenv_skip CX_SKIP_ROOTLESS_PODMAN "podman unavailable: $CX_SKIP_PODMAN"
    return
  fi
  if [ -z "${CX_TEST_USER:-}" ]; then
    _cxenv_skip CX_SKIP_ROOTLESS_PODMAN "no test user to run rootless podman as"
    return
  fi
  if [ "$_cxenv_is_root" != 1 ]; then
    _cxenv_skip CX_SKIP_ROOTLESS_PODMAN "preparing rootless podman for $CX_TEST_USER needs root"
    return
  fi
  local home out
  home=$(getent passwd "$CX_TEST_USER" | cut -d: -f6)
  _cxenv_as_user() {
    (cd / && runuser -u "$CX_TEST_USER" -- env -i HOME="$home" USER="$CX_TEST_USER" \
      LOGNAME="$CX_TEST_USER" PATH=/usr/local/bin:/usr/bin:/bin CONTAINERS_CONF="$CONTAINERS_CONF" \
      "$@")
  }
  if _cxenv_base_current _cxenv_as_user podman "$CX_TEST_IMAGE_PODMAN"; then
    _cxenv_say "rootless podman: image $CX_TEST_IMAGE_PODMAN present for $CX_TEST_USER"
  elif _cxenv_base_tar && [ -z "$_cxenv_tar" ]; then
    _cxenv_skip CX_SKIP_ROOTLESS_PODMAN "no base image: $_cxenv_tar_error"
  elif out=$(_cxenv_as_user podman import --change "LABEL cx.test-base=$_cxenv_base_recipe" \
    "$_cxenv_tar" "$CX_TEST_IMAGE_PODMAN" 2>&1); then
    _cxenv_say "rootless podman: imported $CX_TEST_IMAGE_PODMAN for $CX_TEST_USER"
  else
    _cxenv_skip CX_SKIP_ROOTLESS_PODMAN "podman import as $CX_TEST_USER failed: $(echo "$out" | tail -n 1)"
  fi
  unset -f _cxenv_as_user
}

# A rootless docker daemon of CX_TEST_USER (dockerd-rootless.sh from docker.io, rootlesskit),
# with the host's network namespace and no bridge or iptables: this machine gives an unprivileged
# user no /dev/net/tun for slirp4netns. Sessions in allowlist mode need no container network.
_cxenv_rootless_docker() {
  if [ -n "${CX_SKIP_DOCKER:-}" ]; then
    _cxenv_skip CX_SKIP_ROOTLESS_DOCKER "docker unavailable: $CX_SKIP_DOCKER"
    return
  fi
  if [ -z "${CX_TEST_USER:-}" ] || [ "$_cxenv_is_root" != 1 ]; then
    _cxenv_skip CX_SKIP_ROOTLESS_DOCKER "a rootless dockerd needs the test user and root to set it up"
    return
  fi
  local script=/usr/share/docker.io/contrib/dockerd-rootless.sh uid home run log i
  if [ ! -x "$script" ] || ! command -v rootlesskit >/dev/null 2>&1; then
    _cxenv_skip CX_SKIP_ROOTLESS_DOCKER "$script or rootlesskit is missing (scripts/bootstrap installs docker.io and rootlesskit)"
    return
  fi
  uid=$(id -u "$CX_TEST_USER")
  home=$(getent passwd "$CX_TEST_USER" | cut -d: -f6)
  run=/run/user/$uid
  log=$CX_TEST_STATE/dockerd-rootless.log
  mkdir -p "$run" && chown "$CX_TEST_USER:" "$run" && chmod 0700 "$run"
  _cxenv_rd() {
    (cd / && runuser -u "$CX_TEST_USER" -- env -i HOME="$home" USER="$CX_TEST_USER" \
      PATH=/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin XDG_RUNTIME_DIR="$run" "$@")
  }
  if ! _cxenv_rd docker -H "unix://$run/docker.sock" info >/dev/null 2>&1; then
    _cxenv_rd DOCKERD_ROOTLESS_ROOTLESSKIT_NET=host DOCKERD_ROOTLESS_ROOTLESSKIT_PORT_DRIVER=none \
      setsid "$script" --iptables=false --bridge=none </dev/null >>"$log" 2>&1 &
    for ((i = 0; i < 300; i++)); do
      _cxenv_rd docker -H "unix://$run/docker.sock" info >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
  if _cxenv_rd docker -H "unix://$run/docker.sock" info --format '{{json .SecurityOptions}}' 2>/dev/null |
    grep -q 'name=rootless'; then
    export CX_TEST_DOCKER_ROOTLESS_HOST=unix://$run/docker.sock
    _cxenv_say "rootless docker: $CX_TEST_USER's daemon at $CX_TEST_DOCKER_ROOTLESS_HOST"
  else
    _cxenv_skip CX_SKIP_ROOTLESS_DOCKER "rootless dockerd for $CX_TEST_USER did not start: $(_cxenv_last_line "$log")"
  fi
  unset -f _cxenv_rd
}

_cxenv_ca() {
  local ca=/etc/ssl/certs/ca-certificates.crt
  if [ -s "$ca" ]; then
    export CX_TEST_CA=$ca
    _cxenv_say "CA bundle: CX_TEST_CA=$ca"
  else
    _cxenv_say "CA bundle: $ca is missing; CX_TEST_CA not set"
  fi
}

_cxenv_moto() {
  local py
  py=$(command -v python3 2>/dev/null) || {
    _cxenv_skip CX_SKIP_MOTO "python3 is not installed"
    return
  }
  if ! "$py" -c 'import moto, boto3' >/dev/null 2>&1; then
    _cxenv_say "moto: not importable, trying pip install moto[server] boto3"
    "$py" -m pip install -q 'moto[server]' boto3 >"$CX_TEST_STATE/pip.log" 2>&1 || true
  fi
  if "$py" -c 'import moto, boto3' >/dev/null 2>&1; then
    # The real interpreter, not a pyenv shim, so it works under any PATH.
    export CX_TEST_PYTHON
    CX_TEST_PYTHON=$("$py" -c 'import sys; print(sys.executable)')
    _cxenv_say "moto: $("$py" -c 'import moto; print("moto", moto.__version__)'), CX_TEST_PYTHON=$CX_TEST_PYTHON"
  else
    _cxenv_skip CX_SKIP_MOTO "python3 cannot import moto and boto3, and pip install failed: $(_cxenv_last_line "$CX_TEST_STATE/pip.log")"
  fi
}

_cxenv_save() {
  local v file="$CX_TEST_STATE/env.sh"
  {
    echo "# Written by scripts/test-env.sh on $(date -Is)."
    for v in "${_cxenv_vars[@]}"; do
      if [ -n "${!v+x}" ]; then printf 'export %s=%q\n' "$v" "${!v}"; fi
    done
  } >"$file.tmp" && mv "$file.tmp" "$file"
  if [ "$_cxenv_sourced" != 1 ]; then
    grep '^export ' "$file"
  fi
}

_cxenv_t0=$SECONDS
_cxenv_init
_cxenv_podman
_cxenv_docker
_cxenv_podman_image
_cxenv_docker_image
_cxenv_user
_cxenv_rootless_podman
_cxenv_rootless_docker
_cxenv_ca
_cxenv_moto
_cxenv_save
_cxenv_say "ready in $((SECONDS - _cxenv_t0)) s"

unset -f _cxenv_say _cxenv_skip _cxenv_last_line _cxenv_init _cxenv_podman _cxenv_docker_client \
  _cxenv_docker _cxenv_base_tar _cxenv_base_current _cxenv_podman_image _cxenv_docker_image _cxenv_subid_add \
  _cxenv_user _cxenv_rootless_podman _cxenv_rootless_docker _cxenv_ca _cxenv_moto _cxenv_save
unset _cxenv_root _cxenv_sourced _cxenv_vars _cxenv_base_args _cxenv_base_recipe _cxenv_t0 _cxenv_is_root _cxenv_tar _cxenv_tar_error \
  _cxenv_tar_done
true
